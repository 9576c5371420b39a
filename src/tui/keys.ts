// Keys -> new UI state and side effects. Pure, so every key is unit-tested without a terminal.
import type { RuntimeName } from '../snapshot/model.js';
import { planAction, type ContainerAction } from './actions.js';
import { nextSortKey } from './view/container-rows.js';
import type { UiState } from './state.js';
import { isGroupId } from './view/groups.js';

export type Effect = { kind: 'quit' } | { kind: 'engine'; argv: string[]; label: string } | { kind: 'save-config' };

export interface VisibleContainer {
  id: string;
  name: string;
  runtime: RuntimeName;
}

export const HELP: Array<[string, string]> = [
  ['Up/Down, j/k', 'move the selection'],
  ['PgUp/PgDn, g/G', 'page up/down, first/last'],
  ['Enter', 'open the selected container (processes, namespaces, cgroup)'],
  ['j/k, PgUp/PgDn', 'in that view: scroll'],
  ['Escape', 'back (and clear the filter in the table)'],
  ['t', 'host tree: every process as pstree shows it, containers framed; Enter folds one; t or Esc back'],
  ['l', "the selected container's log, followed; / search, n/N next/previous match, G end"],
  ['o', 'group rows by Compose project, Kubernetes pod or podman pod (Enter unfolds a group); o again: flat'],
  ['/', 'filter: name, ID, image, runtime; Enter applies, Esc clears'],
  ['s / S', 'cycle the sort column / reverse the order'],
  ['p', 'pause or resume updates'],
  ['x / K / R / D', 'stop / kill / restart / remove a tctop container (asks first)'],
  ['W', 'save columns, sort, refresh and colours to ~/.config/tctop/config.json'],
  ['mouse', 'click selects a row, clicking it again opens it, the wheel scrolls'],
  ['?', 'this help'],
  ['q, Ctrl-C', 'quit'],
];

const ACTION_KEYS: Record<string, ContainerAction> = { x: 'stop', K: 'kill', R: 'restart', D: 'remove' };

const SPECIAL_KEYS = new Set(['enter', 'escape', 'up', 'down', 'pageup', 'pagedown', 'home', 'end', 'backspace']);

/** blessed's (ch, key) -> the names handleKey understands. */
export function keyName(ch: string | undefined, key: { name?: string; ctrl?: boolean; full?: string } | undefined): string | undefined {
  if (key?.ctrl && key.name === 'c') return 'C-c';
  if (key?.name && SPECIAL_KEYS.has(key.name)) return key.name;
  if (key?.name === 'return') return undefined; // blessed sends every Enter as 'return' and then again as 'enter'
  if (ch && !key?.ctrl) return ch;
  return undefined;
}

export interface KeyResult {
  state: UiState;
  effects: Effect[];
}

function move(state: UiState, rows: readonly VisibleContainer[], to: number): UiState {
  if (rows.length === 0) return state;
  const index = Math.min(Math.max(0, to), rows.length - 1);
  return { ...state, selectedIndex: index, selectedId: rows[index].id };
}

/** `key` is a printable character or a name: enter, escape, up, down, pageup, pagedown, backspace, C-c. */
export function handleKey(state: UiState, key: string, rows: readonly VisibleContainer[], page = 10): KeyResult {
  const done = (s: UiState, ...effects: Effect[]): KeyResult => ({ state: s, effects });
  if (key === 'C-c') return done(state, { kind: 'quit' });

  if (state.filterDraft !== undefined) {
    if (key === 'enter') return done({ ...state, filter: state.filterDraft, filterDraft: undefined });
    if (key === 'escape') return done({ ...state, filter: '', filterDraft: undefined });
    if (key === 'backspace') return done({ ...state, filterDraft: state.filterDraft.slice(0, -1) });
    if ([...key].length === 1 && key >= ' ') return done({ ...state, filterDraft: state.filterDraft + key });
    return done(state);
  }

  if (state.confirm) {
    const { action, id } = state.confirm;
    const next = { ...state, confirm: undefined };
    if (key === 'y' || key === 'Y')
      return done(
        { ...next, message: `${action} ${id.slice(0, 12)}: running…` },
        { kind: 'engine', argv: planEngineArgv(action, id), label: action },
      );
    return done({ ...next, message: `${action} cancelled` });
  }

  if (state.view === 'help') return key === 'q' ? done(state, { kind: 'quit' }) : done({ ...state, view: 'table' });
  // the tree and logs views take their own keys first (tree-view.ts, log-view.ts); what they leave is here
  if (state.view === 'tree' || state.view === 'logs') {
    if (key === 'q') return done(state, { kind: 'quit' });
    if (key === '?') return done({ ...state, view: 'help' });
    if (key === 'escape' || (key === 't' && state.view === 'tree')) return done({ ...state, view: 'table' });
    return done(state);
  }

  const selected = rows.find((r) => r.id === state.selectedId);
  switch (key) {
    case 'q':
      return done(state, { kind: 'quit' });
    case '?':
      return done({ ...state, view: 'help' });
    case 'escape':
      return state.view === 'detail' ? done({ ...state, view: 'table' }) : done({ ...state, filter: '', message: undefined });
    case 'up':
    case 'k':
      return done(move(state, rows, state.selectedIndex - 1));
    case 'down':
    case 'j':
      return done(move(state, rows, state.selectedIndex + 1));
    case 'pageup':
      return done(move(state, rows, state.selectedIndex - page));
    case 'pagedown':
      return done(move(state, rows, state.selectedIndex + page));
    case 'g':
    case 'home':
      return done(move(state, rows, 0));
    case 'G':
    case 'end':
      return done(move(state, rows, rows.length - 1));
    case 'enter':
      if (selected && isGroupId(selected.id)) return done(toggleGroup(state, selected.id));
      return selected ? done({ ...state, view: 'detail' }) : done(state);
    case 't':
      return done({ ...state, view: 'tree' });
    case 'l':
      if (selected && isGroupId(selected.id))
        return done({ ...state, message: 'a group has no log: Enter unfolds it, then pick a container' });
      return selected ? done({ ...state, view: 'logs' }) : done(state);
    case 'o':
      return done({
        ...state,
        grouped: !state.grouped,
        message: state.grouped ? undefined : 'grouped by Compose project / pod (o: flat list)',
      });
    case '/':
      return done({ ...state, view: 'table', filterDraft: state.filter });
    case 's':
      return done({ ...state, sortKey: nextSortKey(state.sortKey) });
    case 'S':
      return done({ ...state, reverse: !state.reverse });
    case 'W':
      return done(state, { kind: 'save-config' });
    case 'p':
      // the app stops the sampler on pause; resuming restarts it, which scans at once
      return done({ ...state, paused: !state.paused, message: state.paused ? undefined : 'paused (p resumes)' });
  }
  const action = ACTION_KEYS[key];
  if (action && selected && isGroupId(selected.id))
    return done({ ...state, message: `${action} a group: unfold it (Enter) and pick a container` });
  if (action && selected) {
    const plan = planAction(action, selected);
    if (plan.kind === 'foreign') return done({ ...state, message: plan.message });
    return done({ ...state, confirm: { action, id: selected.id, name: selected.name } });
  }
  return done(state);
}

function toggleGroup(state: UiState, id: string): UiState {
  const open = new Set(state.openGroups);
  if (open.has(id)) open.delete(id);
  else open.add(id);
  return { ...state, openGroups: open };
}

function planEngineArgv(action: ContainerAction, id: string): string[] {
  const plan = planAction(action, { id, name: id, runtime: 'tctop' });
  return plan.kind === 'engine' ? plan.argv : [];
}
