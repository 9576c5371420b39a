// The logs view (key l): the selected container's log, read by src/report/log-tail.ts (tail, then followed), with
// search (/, n, N). New lines keep the view at the end while the last line is selected, as `tail -f` would.
import type blessed from 'blessed';
import type { Container } from '../snapshot/model.js';
import { openLogTail, type LogTail } from '../report/log-tail.js';
import { escapeControls } from '../text/sanitize.js';
import type { Place } from './chart-panel.js';
import { LinePane } from './line-pane.js';
import { findLine } from './view/log-search.js';

const FOLLOW_MS = 500;

export class LogView {
  private readonly pane: LinePane;
  private tail: LogTail | undefined;
  private title = '';
  private unreadable: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Defined while a search is typed (after /, until Enter or Escape). */
  draft: string | undefined;
  private query = '';
  private note: string | undefined;

  constructor(
    screen: blessed.Widgets.Screen,
    /** Called when followed lines arrived (the app renders). */
    private readonly changed: () => void,
  ) {
    this.pane = new LinePane(screen);
  }

  get box(): blessed.Widgets.BoxElement {
    return this.pane.box;
  }

  open(c: Container, root: string): void {
    this.close();
    this.title = `logs of ${escapeControls(c.name)} (${c.runtime} ${c.id.slice(0, 12)})`;
    const opened = openLogTail(c, root);
    this.tail = 'tail' in opened ? opened.tail : undefined;
    this.unreadable = 'unreadable' in opened ? opened.unreadable : undefined;
    this.pane.selected = this.tail ? this.tail.lines.length - 1 : 0;
    this.query = '';
    this.draft = undefined;
    this.note = undefined;
    if (!this.tail) return;
    this.timer = setInterval(() => this.follow(), FOLLOW_MS);
    this.timer.unref?.();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tail = undefined;
  }

  draw(place: Place): void {
    this.pane.place(place);
    const lines = this.tail ? this.tail.lines.map((l) => l.text) : [`tctop cannot read this container's log: ${this.unreadable ?? ''}`];
    // the path last: a long one is cut at the screen's edge
    const at = this.tail ? `  ${this.following() ? 'following' : 'G follows'}  ${escapeControls(this.tail.path)}` : '';
    this.pane.show(`${this.title}${at}`, lines);
  }

  hide(): void {
    this.pane.hide();
  }

  /** The status bar's text in this view. */
  status(): string {
    if (this.draft !== undefined) return `search: ${this.draft}█  (Enter finds, Escape cancels)`;
    const search = this.query ? `"${this.query}": ${this.note ?? 'n next, N previous'}  ` : '';
    return `${search}/ search  j/k scroll  G end  Esc back  q quit`;
  }

  /** Search typing, n/N, navigation; false for keys it does not take (Escape outside a search, q, ?). */
  key(key: string): boolean {
    if (this.draft !== undefined) {
      if (key === 'enter') {
        this.query = this.draft;
        this.draft = undefined;
        this.jump(this.pane.selected, 1, true);
      } else if (key === 'escape') this.draft = undefined;
      else if (key === 'backspace') this.draft = this.draft.slice(0, -1);
      else if ([...key].length === 1 && key >= ' ') this.draft += key;
      return true;
    }
    if (key === '/') {
      this.draft = '';
      return true;
    }
    if (key === 'n' || key === 'N') {
      this.jump(this.pane.selected, key === 'n' ? 1 : -1, false);
      return true;
    }
    return this.pane.key(key);
  }

  /** From the selected line: the next match (the selected line itself too, when a new search starts). */
  private jump(from: number, dir: 1 | -1, fresh: boolean): void {
    if (!this.tail || !this.query) return;
    const lines = this.tail.lines.map((l) => l.text);
    const i = findLine(lines, this.query, fresh ? from - dir : from, dir);
    this.note = i < 0 ? 'not found' : undefined;
    if (i >= 0) this.pane.select(i);
  }

  private following(): boolean {
    return !!this.tail && this.pane.selected >= this.tail.lines.length - 1;
  }

  private follow(): void {
    if (!this.tail) return;
    const wasAtEnd = this.following();
    const before = this.tail.lines.length;
    const added = this.tail.poll();
    if (added === 0 && this.tail.lines.length === before) return;
    const dropped = before + added - this.tail.lines.length;
    this.pane.selected = wasAtEnd ? this.tail.lines.length - 1 : Math.max(0, this.pane.selected - dropped);
    this.changed();
  }
}
