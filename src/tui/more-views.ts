// The views beyond the table and the detail: the host tree (t) and a container's log (l). Here is what opening and
// leaving them costs: the tree asks the scanner for every host process while it is open, and only then, so the
// table's refresh stays as cheap as before; the log is read (and followed) only while its view is open.
import type blessed from 'blessed';
import type { HostSnapshot } from '../snapshot/model.js';
import type { HostScanner } from '../snapshot/scanner.js';
import type { Place } from './chart-panel.js';
import { LogView } from './log-view.js';
import type { UiState, ViewName } from './state.js';
import { TreeView } from './tree-view.js';

export class MoreViews {
  readonly tree: TreeView;
  readonly logs: LogView;
  /** Scans started at or after this read every host process (the tree view's). */
  private allSince = Number.POSITIVE_INFINITY;

  constructor(
    screen: blessed.Widgets.Screen,
    private readonly scanner: HostScanner,
    private readonly root: string,
    changed: () => void,
  ) {
    this.tree = new TreeView(screen);
    this.logs = new LogView(screen, changed);
  }

  /** The view's own keys; false leaves the key to keys.ts. */
  key(state: UiState, key: string, snap: HostSnapshot | undefined, place: Place): boolean {
    if (state.filterDraft !== undefined || state.confirm) return false;
    if (state.view === 'tree') return this.tree.key(key, snap, place);
    if (state.view === 'logs') return this.logs.key(key);
    return false;
  }

  /** Called after every key with the view before and now; true when the tree needs a scan of every process now. */
  switched(from: ViewName, state: UiState, snap: HostSnapshot | undefined): boolean {
    if (from === state.view) return false;
    if (from === 'tree') {
      this.scanner.readAllProcesses(false);
      this.allSince = Number.POSITIVE_INFINITY;
    }
    if (from === 'logs') this.logs.close();
    if (state.view === 'logs') {
      const c = snap?.containers.find((x) => x.id === state.selectedId);
      if (c) this.logs.open(c, this.root);
    }
    if (state.view === 'tree') {
      this.scanner.readAllProcesses(true);
      this.allSince = Date.now();
      this.tree.open(state.selectedId);
      return true;
    }
    return false;
  }

  draw(view: ViewName, snap: HostSnapshot | undefined, place: Place): void {
    if (view === 'tree' && snap) this.tree.draw(snap, place, snap.takenAt >= this.allSince);
    else this.tree.hide();
    if (view === 'logs') this.logs.draw(place);
    else this.logs.hide();
  }

  close(): void {
    this.logs.close();
  }
}
