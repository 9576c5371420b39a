// A full-width pane of many lines with one selected (inverse), of which only the window on screen is handed to
// blessed: the host tree (thousands of processes) and a log (thousands of lines) cost what one screen costs.
import blessed from 'blessed';
import type { Place } from './chart-panel.js';
import { escapeTags, fitCell } from './view/text-cells.js';

const MOVES: Record<string, number> = { up: -1, k: -1, down: 1, j: 1 };

export class LinePane {
  readonly box: blessed.Widgets.BoxElement;
  private readonly headerBox: blessed.Widgets.BoxElement;
  private lines: readonly string[] = [];
  private top = 0;
  private width = 80;
  /** Index of the selected line. */
  selected = 0;

  constructor(screen: blessed.Widgets.Screen) {
    this.headerBox = blessed.box({ parent: screen, height: 1, tags: true, hidden: true, wrap: false, style: { inverse: true } });
    this.box = blessed.box({ parent: screen, tags: true, hidden: true, wrap: false, clickable: true });
  }

  get count(): number {
    return this.lines.length;
  }

  /** Rows of lines on screen (the place's height less the header row). */
  get rows(): number {
    return Math.max(1, Number(this.box.height) || 1);
  }

  place(p: Place): void {
    this.headerBox.top = p.top;
    this.headerBox.left = p.left;
    this.headerBox.width = p.width;
    this.box.top = p.top + 1;
    this.box.left = p.left;
    this.box.width = p.width;
    this.box.height = Math.max(1, p.height - 1);
    this.width = p.width;
  }

  show(header: string, lines: readonly string[]): void {
    this.lines = lines;
    this.selected = Math.min(Math.max(0, this.selected), Math.max(0, lines.length - 1));
    this.headerBox.setContent(escapeTags(fitCell(header, this.width)));
    this.headerBox.show();
    this.box.show();
    this.draw();
  }

  hide(): void {
    this.headerBox.hide();
    this.box.hide();
  }

  /** Selects line `i` (clamped) and scrolls it into the window. */
  select(i: number): void {
    this.selected = Math.min(Math.max(0, i), Math.max(0, this.lines.length - 1));
    this.draw();
  }

  /** Selects line `i` and scrolls it near the window's top, with what comes after it below (a frame opened). */
  reveal(i: number): void {
    this.top = Math.max(0, i - 3);
    this.select(i);
  }

  /** Navigation keys (arrows, j/k, pages, g/G, Home/End); false for any other key. */
  key(key: string): boolean {
    const page = Math.max(1, this.rows - 1);
    const by = MOVES[key] ?? (key === 'pageup' ? -page : key === 'pagedown' ? page : undefined);
    if (by !== undefined) this.select(this.selected + by);
    else if (key === 'g' || key === 'home') this.select(0);
    else if (key === 'G' || key === 'end') this.select(this.lines.length - 1);
    else return false;
    return true;
  }

  /** The line at a screen row (a click), or undefined below the last. */
  lineAt(screenY: number): number | undefined {
    const box = this.box as unknown as { atop: number };
    const i = this.top + screenY - box.atop;
    return i >= 0 && i < this.lines.length ? i : undefined;
  }

  private draw(): void {
    const rows = this.rows;
    if (this.selected < this.top) this.top = this.selected;
    if (this.selected >= this.top + rows) this.top = this.selected - rows + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.lines.length - rows)));
    const shown = this.lines.slice(this.top, this.top + rows).map((l, i) => {
      const cell = escapeTags(fitCell(l, this.width));
      return this.top + i === this.selected ? `{inverse}${cell}{/inverse}` : cell;
    });
    this.box.setContent(shown.join('\n'));
  }
}
