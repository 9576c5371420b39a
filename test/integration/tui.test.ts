// The real dashboard in a real tmux over real Docker containers: they appear, filter and sort work, the detail view
// shows the init's host PID and PID namespace, hostile argv cannot retitle the terminal, q exits 0 and restores it.
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { regions } from '../../src/tui/layout.js';
import { TmuxDashboard, tmuxAvailable } from './tui-harness.js';

const tag = Math.random().toString(36).slice(2, 6);
const names = { web: `tui-web-${tag}`, db: `tui-db-${tag}`, evil: `tui-evil-${tag}` };
const ready = tmuxAvailable() && isRoot() && dockerAvailable() && testImagePresent();
const dashboards: TmuxDashboard[] = [];

function open(args: string[] = [], size?: { width: number; height: number }, env: Record<string, string> = {}): TmuxDashboard {
  const d = new TmuxDashboard(args, size, env);
  dashboards.push(d);
  return d;
}

before(() => {
  if (!ready) return;
  dockerRun(names.web, []);
  dockerRun(names.db, ['--memory', '64m'], ['sh', '-c', 'sleep 3600 & sleep 3600; :']);
  // a process that tries to set the terminal title with its own argv, after a byte that is not UTF-8 (made inside
  // the container: docker's API would turn it into U+FFFD on the way in)
  dockerRun(names.evil, [], ['sh', '-c', 'x=$(printf "\\377\\033]2;PWNED\\007"); sh -c "sleep 3600; :" "$x"']);
});

after(() => {
  for (const d of dashboards) d.close();
  dockerRm(...Object.values(names));
});

const rowOf = (screen: string, name: string) => screen.split('\n').find((l) => l.includes(name)) ?? '';
const rowIndex = (screen: string, name: string) => screen.split('\n').findIndex((l) => l.includes(name));

test('containers appear; filter with /, sort with s and S; q exits 0 and restores the terminal', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open();
  const screen = await d.waitFor((s) => Object.values(names).every((n) => s.includes(n)), 15_000, 'all three containers');
  assert.match(rowOf(screen, names.web), /running/);
  assert.match(rowOf(screen, names.db), /\/ 64MiB/);
  assert.match(screen, /cgroup v1|cgroup v2/);
  assert.equal(d.display('#{alternate_on}'), '1', 'dashboard uses the alternate screen');

  d.keys('/');
  d.type(`db-${tag}`);
  await d.waitFor(/filter: .*db-/, 5000);
  d.keys('Enter');
  let s = await d.waitFor((x) => x.includes(names.db) && !x.includes(names.web), 5000, 'only db listed');
  assert.match(s, /1\/\d+ containers/);
  assert.match(s, new RegExp(`filter "db-${tag}"`));
  d.keys('Escape');
  await d.waitFor((x) => x.includes(names.web) && x.includes(names.db), 5000, 'filter cleared');

  // sort by name (cpu -> mem -> name), then reverse
  d.keys('s', 's');
  s = await d.waitFor(/NAME▼/, 5000);
  assert.ok(rowIndex(s, names.db) < rowIndex(s, names.evil) && rowIndex(s, names.evil) < rowIndex(s, names.web), s);
  d.keys('S');
  s = await d.waitFor(/NAME▲/, 5000);
  assert.ok(rowIndex(s, names.web) < rowIndex(s, names.evil) && rowIndex(s, names.evil) < rowIndex(s, names.db), s);

  d.keys('q');
  assert.equal(await d.waitExit(), 0);
  assert.equal(d.display('#{alternate_on}'), '0', 'alternate screen left');
  assert.equal(d.display('#{cursor_flag}'), '1', 'cursor shown again');
});

test('Enter opens the detail view: init host PID, PID namespace inode, process tree; Escape goes back', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const initPid = Number(sh('docker', ['inspect', '-f', '{{.State.Pid}}', names.db]).trim());
  const pidns = /pid:\[(\d+)\]/.exec(readlinkSync(`/proc/${initPid}/ns/pid`))![1];
  const d = open();
  await d.waitFor((s) => s.includes(names.db), 15_000, 'db listed');
  d.keys('/');
  d.type(names.db);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(names.db) && !s.includes(names.web), 5000, 'filtered to db');
  d.keys('Enter');
  const s = await d.waitFor(/Namespaces/, 5000);
  const initLine = s.split('\n').find((l) => new RegExp(`^\\s*${initPid}\\s+1\\s`).test(l));
  assert.ok(initLine, `init line with host PID ${initPid} and container PID 1 in:\n${s}`);
  assert.match(initLine!, /sh -c sleep 3600 & sleep 3600; :/);
  assert.match(s, /\[shim\] .*containerd-shim/);
  assert.match(s, new RegExp(`^pid\\s+${pidns}\\s+own`, 'm'));
  assert.match(s, /memory .*limit 64MiB/);
  assert.equal(s.split('\n').filter((l) => /└─ sleep 3600/.test(l)).length, 2, 'both sleeps under the init');
  d.keys('Escape');
  await d.waitFor(/NAME.*ID.*RUNTIME/, 5000);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('invalid UTF-8 and escape sequences in a process argv are shown escaped and never retitle the terminal', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open();
  const titleBefore = d.display('#{pane_title}');
  await d.waitFor((s) => s.includes(names.evil), 15_000, 'evil listed');
  d.keys('/');
  d.type(names.evil);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(names.evil) && !s.includes(names.web), 5000, 'filtered to evil');
  d.keys('Enter');
  const s = await d.waitFor(/Namespaces/, 5000);
  assert.match(s, /sh -c sleep 3600; : \\xff\\e\]2;PWNED\\x07/);
  assert.equal(d.display('#{pane_title}'), titleBefore);
  assert.doesNotMatch(d.display('#{pane_title}'), /PWNED/);
  d.keys('C-c');
  assert.equal(await d.waitExit(), 0);
  assert.doesNotMatch(d.display('#{pane_title}'), /PWNED/);
});

test('a container started or removed while the dashboard runs shows within a second; the selection moves on', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  // a long delay: only the state-directory watcher can make the change show quickly
  const d = open(['top', '-d', '30']);
  // a CPU% figure needs a second scan, which with -d 30 only the watchers' start-up refresh makes: they are ready
  await d.waitFor((s) => /running\s+\d+\.\d%/.test(rowOf(s, names.web)), 15_000, 'second scan (watchers ready)');
  const late = `tui-late-${tag}`;
  t.after(() => dockerRm(late));
  dockerRun(late, []);
  const started = Date.now();
  await d.waitFor((s) => s.includes(late), 5000, 'late container listed');
  assert.ok(Date.now() - started < 3000, `shown after ${Date.now() - started} ms`);
  // select it, then remove it: the selection lands on a neighbour, the dashboard carries on
  d.keys('/');
  d.type(late);
  d.keys('Enter');
  await d.waitFor((s) => s.includes(late) && !s.includes(names.web), 5000, 'filtered to late');
  d.keys('Enter');
  await d.waitFor(/Namespaces/, 5000);
  dockerRm(late);
  const s = await d.waitFor(/that container is gone/, 5000);
  assert.match(s, /0\/\d+ containers/);
  d.keys('Escape');
  await d.waitFor((x) => x.includes(names.web), 5000, 'filter cleared');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('p pauses updates: a new container shows only after resuming', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open();
  await d.waitFor((s) => s.includes(names.web), 15_000, 'web listed');
  d.keys('p');
  await d.waitFor(/PAUSED/, 5000);
  const paused = `tui-paused-${tag}`;
  t.after(() => dockerRm(paused));
  dockerRun(paused, []);
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(!d.screen().includes(paused), 'nothing changes while paused');
  d.keys('p');
  const s = await d.waitFor((x) => x.includes(paused), 5000, 'shown after resuming');
  assert.doesNotMatch(s, /PAUSED/);
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('works at 80x24 and follows a resize', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open([], { width: 80, height: 24 });
  let s = await d.waitFor((x) => x.includes(names.web.slice(0, 9)), 15_000, 'web listed');
  const lines = s.split('\n');
  // below the header's text and its two charts
  assert.match(lines[regions(80, 24).tableHeader.top], /^NAME\s+ID\s+RUNTIME\s+IMAGE\s+STATE\s+CPU%.*MEM \/ LIMIT\s+PIDS$/);
  assert.match(lines[3], /^┌─ host CPU % [\d.]+ ─+┐┌─ host memory % used [\d.]+ ─+┐$/, 'the host charts side by side');
  assert.match(lines[23] ?? lines.at(-2)!, /containers .*\? help/);
  d.resize(130, 30);
  s = await d.waitFor(/NET rx\/tx.*IO\s+UPTIME/, 5000);
  assert.ok(s.split('\n').length >= 30);
  d.keys('?');
  await d.waitFor(/filter: name, ID, image, runtime/, 5000);
  d.keys('x');
  d.keys('q');
  assert.equal(await d.waitExit(), 0);
});

test('SIGTERM restores the terminal too', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open();
  await d.waitFor(/NAME/, 15_000);
  const pid = d.dashboardPid();
  assert.ok(pid, 'dashboard PID found');
  process.kill(pid!, 'SIGTERM');
  await d.waitExit();
  assert.equal(d.display('#{alternate_on}'), '0');
  assert.equal(d.display('#{cursor_flag}'), '1');
});

test('an uncaught error restores the terminal, then prints one line and exits 1', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  // a fault injected from outside the product: a preloaded module throws once the dashboard is up
  const dir = mkdtempSync(join(tmpdir(), 'tctop-tui-fault-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fault = join(dir, 'fault.mjs');
  writeFileSync(fault, "setTimeout(() => { throw new Error('injected fault'); }, 2500);\n");
  const d = open([], undefined, { NODE_OPTIONS: `--import ${fault}` });
  await d.waitFor(/NAME/, 15_000);
  assert.equal(await d.waitExit(), 1);
  assert.equal(d.display('#{alternate_on}'), '0');
  assert.equal(d.display('#{cursor_flag}'), '1');
  const screen = d.screen();
  assert.match(screen, /^tctop: internal error: injected fault$/m);
  assert.doesNotMatch(screen, /\bat .*\.js:\d+/, 'no stack trace');
});

test('TERM=dumb gets the batch table instead of a garbled dashboard', async (t) => {
  if (missing(t, ready, 'root, tmux, dockerd and the test image')) return;
  const d = open([], undefined, { TERM: 'dumb' });
  assert.equal(await d.waitExit(), 0);
  const screen = d.screen();
  assert.match(screen, /^tctop - .*containers \d+/m);
  assert.match(screen, /^NAME\s+ID\s+RUNTIME/m);
});
