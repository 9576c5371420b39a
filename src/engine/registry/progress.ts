// docker-like progress for pull and push: on a terminal one line per layer, redrawn in place ("a1b2c3d4e5f6:
// Downloading [=====>   ]  1.2MB/3.4MB"); otherwise a line for each status the caller marks `final` (a pull marks
// every change of status, "Pulling fs layer" to "Pull complete"; a push its last), never the byte counts.
import { cell } from '../../text/sanitize.js';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** A line above the layers ("latest: Pulling from x"). */
  line(text: string): void;
  /** A layer's status; `final` ones are what a non-terminal sees (and are drawn at once on a terminal). */
  layer(id: string, status: string, options?: { current?: number; total?: number; final?: boolean }): void;
}

export const SILENT: Progress = { line() {}, layer() {} };

export function units(n: number): string {
  // docker's go-units HumanSize: decimal, three significant digits
  const steps = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < steps.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number(n.toPrecision(3))}${steps[i]}`;
}

function bar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const arrow = filled < width ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - (arrow ? 1 : 0)))}${arrow}${' '.repeat(width - filled)}] ${units(current).padStart(7)}/${units(total)}`;
}

export function createProgress(out: ProgressOutput | undefined): Progress {
  if (!out) return SILENT;
  return out.isTTY ? new TerminalProgress(out) : new LineProgress(out);
}

class LineProgress implements Progress {
  constructor(private readonly out: ProgressOutput) {}
  line(text: string): void {
    this.out.write(cell(text, 500) + '\n');
  }
  layer(id: string, status: string, options: { final?: boolean } = {}): void {
    if (options.final) this.out.write(`${id}: ${status}\n`);
  }
}

class TerminalProgress implements Progress {
  private readonly order: string[] = [];
  private readonly text = new Map<string, string>();
  private lastDraw = 0;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly out: ProgressOutput) {}

  line(text: string): void {
    this.flush();
    this.out.write(cell(text, 500) + '\n');
    this.order.length = 0; // the layer block starts again below this line
    this.text.clear();
  }

  layer(id: string, status: string, options: { current?: number; total?: number; final?: boolean } = {}): void {
    const isNew = !this.text.has(id);
    const shown = options.current !== undefined && options.total ? `${status} ${bar(options.current, options.total)}` : status;
    this.text.set(id, `${id}: ${shown}`);
    if (isNew) {
      this.order.push(id);
      this.out.write(`${id}: ${shown}\n`);
      return;
    }
    // redraw at most 10 times a second; a status change (final) is drawn at once
    const now = Date.now();
    if (options.final || now - this.lastDraw > 100) this.redraw(id);
    else if (!this.pending) this.pending = setTimeout(() => this.flush(), 100).unref();
  }

  private flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    for (const id of this.order) this.redraw(id);
  }

  private redraw(id: string): void {
    this.lastDraw = Date.now();
    const up = this.order.length - this.order.indexOf(id);
    // up to the layer's line, clear it, write, back down
    this.out.write(`\x1b[${up}A\x1b[2K\r${this.text.get(id)}\x1b[${up}B\r`);
  }

  done(): void {
    this.flush();
  }
}
