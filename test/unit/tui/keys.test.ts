import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleKey, keyName, type VisibleContainer } from '../../../src/tui/keys.js';
import { initialState, reselect, type UiState } from '../../../src/tui/state.js';

const rows: VisibleContainer[] = [
  { id: 'a'.repeat(64), name: 'web', runtime: 'docker' },
  { id: 'b'.repeat(64), name: 'mine', runtime: 'tctop' },
  { id: 'c'.repeat(64), name: 'box', runtime: 'lxc' },
];

function press(state: UiState, ...keys: string[]): { state: UiState; effects: unknown[] } {
  let effects: unknown[] = [];
  for (const k of keys) {
    const r = handleKey(state, k, rows);
    state = r.state;
    effects = effects.concat(r.effects);
  }
  return { state, effects };
}

const start = (): UiState => ({
  ...initialState(),
  ...reselect(
    initialState(),
    rows.map((r) => r.id),
  ),
});

test('arrows and j/k move the selection by container ID, clamped at both ends', () => {
  let { state } = press(start(), 'down', 'j');
  assert.equal(state.selectedId, rows[2].id);
  ({ state } = press(state, 'down'));
  assert.equal(state.selectedIndex, 2);
  ({ state } = press(state, 'k', 'up', 'up'));
  assert.equal(state.selectedId, rows[0].id);
  ({ state } = press(state, 'G'));
  assert.equal(state.selectedIndex, 2);
});

test('Enter opens the detail view, Escape goes back', () => {
  let { state } = press(start(), 'enter');
  assert.equal(state.view, 'detail');
  ({ state } = press(state, 'escape'));
  assert.equal(state.view, 'table');
});

test('/ types a filter applied on Enter; Escape clears it', () => {
  let { state } = press(start(), '/', 'w', 'e', 'x', 'backspace');
  assert.equal(state.filterDraft, 'we');
  assert.equal(state.filter, '');
  ({ state } = press(state, 'q'));
  assert.equal(state.filterDraft, 'weq', 'q while typing is a letter, not quit');
  ({ state } = press(state, 'backspace', 'enter'));
  assert.equal(state.filter, 'we');
  assert.equal(state.filterDraft, undefined);
  ({ state } = press(state, '/', 'escape'));
  assert.equal(state.filter, '');
  ({ state } = press(state, '/', 'x', 'enter', 'escape'));
  assert.equal(state.filter, '', 'Escape in the table clears the applied filter');
});

test('s cycles the sort column, S reverses, p pauses and resumes', () => {
  let { state } = press(start(), 's');
  assert.equal(state.sortKey, 'mem');
  ({ state } = press(state, 'S'));
  assert.equal(state.reverse, true);
  ({ state } = press(state, 'p'));
  assert.equal(state.paused, true);
  const r = press(state, 'p');
  assert.equal(r.state.paused, false);
  assert.equal(r.state.message, undefined);
});

test('q and Ctrl-C quit; ? shows help and any key returns', () => {
  assert.deepEqual(press(start(), 'q').effects, [{ kind: 'quit' }]);
  assert.deepEqual(press(start(), 'C-c').effects, [{ kind: 'quit' }]);
  const { state } = press(start(), '?');
  assert.equal(state.view, 'help');
  assert.equal(press(state, 'x').state.view, 'table');
});

test("actions on another runtime's container name the tool that manages it", () => {
  const docker = press(start(), 'x');
  assert.match(docker.state.message!, /managed by docker: use docker stop web/);
  assert.equal(docker.state.confirm, undefined);
  const lxc = press(start(), 'j', 'j', 'K');
  assert.match(lxc.state.message!, /lxc-stop -k -n box/);
});

test("actions on tctop's own containers ask first, then run the engine's CLI", () => {
  let { state, effects } = press(start(), 'j', 'D');
  assert.deepEqual(state.confirm, { action: 'remove', id: rows[1].id, name: 'mine' });
  assert.deepEqual(effects, []);
  ({ state, effects } = press(state, 'n'));
  assert.equal(state.confirm, undefined);
  assert.deepEqual(effects, []);
  ({ state, effects } = press(state, 'x', 'y'));
  assert.deepEqual(effects, [{ kind: 'engine', argv: ['stop', rows[1].id], label: 'stop' }]);
  assert.deepEqual(press(start(), 'j', 'K', 'y').effects, [{ kind: 'engine', argv: ['kill', rows[1].id], label: 'kill' }]);
  assert.deepEqual(press(start(), 'j', 'R', 'y').effects, [{ kind: 'engine', argv: ['restart', rows[1].id], label: 'restart' }]);
  assert.deepEqual(press(start(), 'j', 'D', 'y').effects, [{ kind: 'engine', argv: ['rm', rows[1].id], label: 'remove' }]);
});

test('a vanished selection moves to the row that took its place, by ID otherwise', () => {
  const s = { ...initialState(), selectedId: rows[1].id, selectedIndex: 1 };
  assert.deepEqual(reselect(s, [rows[2].id, rows[1].id]), { selectedId: rows[1].id, selectedIndex: 1 });
  assert.deepEqual(
    reselect(s, [rows[1].id, rows[0].id]),
    { selectedId: rows[1].id, selectedIndex: 0 },
    'follows the container when re-sorted',
  );
  assert.deepEqual(reselect(s, [rows[0].id, rows[2].id]), { selectedId: rows[2].id, selectedIndex: 1 });
  assert.deepEqual(reselect({ ...s, selectedIndex: 2 }, [rows[0].id]), { selectedId: rows[0].id, selectedIndex: 0 });
  assert.deepEqual(reselect(s, []), { selectedId: undefined, selectedIndex: 0 });
});

test("blessed's key events map to names; Enter counts once", () => {
  assert.equal(keyName('\r', { name: 'return' }), undefined);
  assert.equal(keyName('\r', { name: 'enter' }), 'enter');
  assert.equal(keyName('\u0003', { name: 'c', ctrl: true }), 'C-c');
  assert.equal(keyName('S', { name: 's', full: 'S' }), 'S');
  assert.equal(keyName(undefined, { name: 'down' }), 'down');
  assert.equal(keyName('/', { name: undefined }), '/');
});
