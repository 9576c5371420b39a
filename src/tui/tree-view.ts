// The host tree view (key t): every host process as pstree draws it, containers framed and folded with Enter.
// The scanner reads every host process only while this view is open (the app switches it); this draws the snapshot,
// rebuilding its lines no more often than their cost allows (treeBuildDue).
import type blessed from 'blessed';
import type { HostSnapshot } from '../snapshot/model.js';
import type { Place } from './chart-panel.js';
import { LinePane } from './line-pane.js';
import { hostTreeLines, TREE_HEADER, treeBuildDue, type TreeLine } from './view/host-tree.js';

export class TreeView {
  private readonly pane: LinePane;
  private readonly folded = new Set<string>();
  private lines: TreeLine[] = [];
  /** When the lines were last built (performance.now()), how long that took, and for what. */
  private built = { at: 0, ms: 0, width: -1, complete: false };
  /** A container whose frame to select at the next draw (the one selected in the table when the view opened). */
  private focus: string | undefined;

  constructor(screen: blessed.Widgets.Screen) {
    this.pane = new LinePane(screen);
  }

  open(containerId: string | undefined): void {
    this.focus = containerId;
    this.built.width = -1; // build at the next draw
  }

  get box(): blessed.Widgets.BoxElement {
    return this.pane.box;
  }

  /** `complete`: the snapshot holds every host process (the first scan after opening may not). */
  draw(snap: HostSnapshot, place: Place, complete: boolean): void {
    this.pane.place(place);
    const kept = this.lines[this.pane.selected];
    const now = performance.now();
    const b = this.built;
    if (b.width !== place.width || b.complete !== complete || treeBuildDue(now - b.at, b.ms)) {
      this.lines = hostTreeLines(snap, this.folded, place.width);
      this.built = { at: now, ms: performance.now() - now, width: place.width, complete };
    }
    const header = `${TREE_HEADER}${complete ? '' : '  (reading every host process…)'}`;
    let at = -1;
    const focus = complete ? this.focus : undefined;
    if (focus) {
      at = this.lines.findIndex((l) => l.header && l.containerId === focus);
      this.focus = undefined;
    } else if (kept?.containerId) {
      // keep the selection on the same container's frame as lines above it come and go
      at = this.lines.findIndex((l) => l.header && l.containerId === kept.containerId);
    }
    if (at >= 0) this.pane.selected = at;
    this.pane.show(
      header,
      this.lines.map((l) => l.text),
    );
    if (focus && at >= 0) this.pane.reveal(at);
  }

  hide(): void {
    this.pane.hide();
  }

  /** Navigation, and Enter: fold or unfold the container of the selected line. False for keys it does not take. */
  key(key: string, snap: HostSnapshot | undefined, place: Place): boolean {
    if (key !== 'enter') return this.pane.key(key);
    const id = this.lines[this.pane.selected]?.containerId;
    if (!id || !snap) return true;
    if (this.folded.has(id)) this.folded.delete(id);
    else this.folded.add(id);
    this.lines = hostTreeLines(snap, this.folded, place.width);
    this.pane.selected = Math.max(
      0,
      this.lines.findIndex((l) => l.header && l.containerId === id),
    );
    this.pane.show(
      TREE_HEADER,
      this.lines.map((l) => l.text),
    );
    return true;
  }

  click(screenY: number): void {
    const i = this.pane.lineAt(screenY);
    if (i !== undefined) this.pane.select(i);
  }
}
