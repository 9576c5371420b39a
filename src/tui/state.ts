// The dashboard's UI state and how the selection follows a container (by ID, not by row index).
import type { SortKey } from './view/container-rows.js';
import type { ContainerAction } from './actions.js';

/** tree: every host process (tree-view.ts); logs: the selected container's log (log-view.ts). */
export type ViewName = 'table' | 'detail' | 'help' | 'tree' | 'logs';

export interface UiState {
  view: ViewName;
  /** The selected container's ID; survives re-sorting and other containers coming and going. */
  selectedId: string | undefined;
  /** Row index of the selection at the last render: where to land if the selected container vanishes. */
  selectedIndex: number;
  /** The filter applied to the table. */
  filter: string;
  /** Defined while the user types a filter (after `/`, until Enter or Escape). */
  filterDraft: string | undefined;
  sortKey: SortKey;
  reverse: boolean;
  paused: boolean;
  /** An action waiting for y/n. */
  confirm: { action: ContainerAction; id: string; name: string } | undefined;
  /** Rows folded under their Compose project or pod (key o), and the groups unfolded with Enter. */
  grouped: boolean;
  openGroups: ReadonlySet<string>;
  /** One line for the status bar (action results, hints). */
  message: string | undefined;
}

export function initialState(): UiState {
  return {
    view: 'table',
    selectedId: undefined,
    selectedIndex: 0,
    filter: '',
    filterDraft: undefined,
    sortKey: 'cpu',
    reverse: false,
    paused: false,
    confirm: undefined,
    grouped: false,
    openGroups: new Set(),
    message: undefined,
  };
}

/**
 * Where the selection is on the rows now shown: the same container if still listed, else the row that took its
 * place (same index, clamped), else nothing.
 */
export function reselect(state: UiState, visibleIds: readonly string[]): { selectedId: string | undefined; selectedIndex: number } {
  if (visibleIds.length === 0) return { selectedId: undefined, selectedIndex: 0 };
  const at = state.selectedId === undefined ? -1 : visibleIds.indexOf(state.selectedId);
  if (at >= 0) return { selectedId: state.selectedId, selectedIndex: at };
  const index = Math.min(Math.max(0, state.selectedIndex), visibleIds.length - 1);
  return { selectedId: visibleIds[index], selectedIndex: index };
}
