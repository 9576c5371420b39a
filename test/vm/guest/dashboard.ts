// The dashboard on a real terminal: `tctop` in a tmux session in the guest shows the Docker, podman and own
// containers, and quits on q.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAMES, run, setupOk, until } from './lib.js';

const SESSION = 'tctop-dash';
const pane = () => run('tmux', ['capture-pane', '-p', '-t', SESSION]).stdout;

test('dashboard in tmux shows the Docker, podman and own containers, and quits on q', async (t) => {
  for (const s of ['docker-run', 'podman-run', 'own-run']) setupOk(s);
  t.after(() => run('tmux', ['kill-session', '-t', SESSION]));
  const started = run('tmux', ['new-session', '-d', '-s', SESSION, '-x', '200', '-y', '50', 'cd /src && exec bin/tctop']);
  assert.equal(started.status, 0, started.stderr);
  const names = [NAMES.docker, NAMES.podman, NAMES.tctop];
  await until('the three containers on screen', () => names.every((n) => pane().includes(n)), 120_000).catch((e) => {
    throw new Error(`${e.message}; screen:\n${pane()}`);
  });
  const screen = pane();
  for (const [runtime, name] of [
    ['docker', NAMES.docker],
    ['podman', NAMES.podman],
    ['tctop', NAMES.tctop],
  ]) {
    const line = screen.split('\n').find((l) => l.includes(name));
    assert.match(line ?? '', new RegExp(`\\b${runtime}\\b`), `${name}'s row names its runtime`);
  }
  run('tmux', ['send-keys', '-t', SESSION, 'q']);
  await until('the dashboard to quit on q', () => run('tmux', ['has-session', '-t', SESSION]).status !== 0, 30_000);
});
