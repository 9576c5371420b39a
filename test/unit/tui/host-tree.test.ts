import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostTreeLines, treeBuildDue } from '../../../src/tui/view/host-tree.js';
import { container, proc, snapshot } from './fixtures.js';

const D = 'd'.repeat(64);
const T = 'e'.repeat(64);

function host() {
  const docker = container(D, {
    name: 'web',
    shim: { pid: 50, command: 'containerd-shim-runc-v2' },
    init: { hostPid: 100, containerPid: 1 },
    pids: [100, 101],
  });
  const own = container(T, {
    name: 'mine',
    runtime: 'tctop',
    shim: { pid: 60, command: 'tctop-shim' },
    init: { hostPid: 200, containerPid: 1 },
    pids: [200],
  });
  const procs = [
    proc(1, 0, '/sbin/init'),
    proc(2, 0, '', { comm: 'kthreadd' }),
    proc(3, 2, '', { comm: 'kworker/0:0' }),
    proc(4, 2, '', { comm: 'rcu_sched' }),
    proc(10, 1, '/usr/bin/dockerd -H fd://', { comm: 'dockerd' }),
    proc(11, 1, '/usr/bin/containerd', { comm: 'containerd' }),
    proc(50, 1, '/usr/bin/containerd-shim-runc-v2 -namespace moby -id ddd', { comm: 'containerd-shim' }),
    proc(100, 50, 'nginx: master', { containerPid: 1, comm: 'nginx' }),
    proc(101, 100, 'nginx: worker', { containerPid: 7, comm: 'nginx' }),
    proc(60, 1, 'tctop-shim --id eee', { comm: 'tctop-shim' }),
    proc(200, 60, 'sleep 1000', { containerPid: 1, comm: 'sleep' }),
    proc(300, 1, 'evil \x1b]0;owned\x07 \x1b[2J', { comm: 'evil' }),
  ];
  return snapshot([docker, own], procs);
}

test('host tree: pstree order, daemons and shims marked, each container framed under its shim', () => {
  const lines = hostTreeLines(host(), new Set(), 120).map((l) => l.text);
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  assert.match(lines[0], /^\s+1\s+-\s+\/sbin\/init$/);
  assert.match(lines[at(/dockerd/)], /^\s+10\s+-\s+├─ \[docker daemon\] \/usr\/bin\/dockerd/);
  assert.match(lines[at(/containerd$/)], /\[containerd daemon\]/);
  const shim = at(/containerd-shim-runc-v2 -namespace/);
  assert.match(lines[shim], /\[shim of web\]/);
  assert.match(lines[shim + 1], /└─ ┏━ docker web dddddddddddd\s+2 processes$/, 'the frame right under the shim');
  assert.match(lines[shim + 2], /^\s+100\s+1\s+│\s+┃ \[init\] nginx: master$/, 'host PID and container PID side by side');
  assert.match(lines[shim + 3], /^\s+101\s+7\s+│\s+┃ └─ nginx: worker$/);
  assert.match(lines[shim + 4], /┗━$/);
  const tshim = at(/tctop-shim --id/);
  assert.match(lines[tshim], /\[shim of mine\]/);
  assert.match(lines[tshim + 1], /┏━ tctop mine eeeeeeeeeeee/);
  assert.match(lines[tshim + 2], /^\s+200\s+1\s.*\[init\] sleep 1000/);
  assert.equal(lines.at(-1)?.trim(), '[kthreadd]  2 kernel threads', 'kernel threads as one line');
  const evil = lines[at(/evil/)];
  assert.ok(!/[\x00-\x1f\x7f]/.test(lines.join('')), 'no raw control character');
  assert.match(evil, /evil \\e\]0;owned\\x07 \\e\[2J/);
});

test('host tree: a folded container keeps its header alone; every line of a frame names its container', () => {
  const all = hostTreeLines(host(), new Set(), 120);
  assert.ok(all.filter((l) => l.containerId === D).length === 4, 'header, two processes, the frame end');
  const folded = hostTreeLines(host(), new Set([D]), 120);
  const mine = folded.filter((l) => l.containerId === D);
  assert.equal(mine.length, 1);
  assert.match(mine[0].text, /▶ docker web dddddddddddd\s+2 processes \(folded, Enter opens\)/);
  assert.ok(!folded.some((l) => l.text.includes('nginx')), 'its processes are not drawn');
  assert.equal(folded.length, all.length - 3);
});

test('host tree: a parent loop or a parent not read does not lose or repeat a process', () => {
  const snap = snapshot([], [proc(5, 6, 'a'), proc(6, 5, 'b'), proc(7, 999, 'orphan')]);
  const lines = hostTreeLines(snap, new Set(), 80).map((l) => l.text);
  assert.ok(lines.some((l) => l.includes('orphan')));
  assert.ok(lines.length <= 3);
});

test("tree view: its lines are built again once ten times the last build's time has passed", () => {
  assert.equal(treeBuildDue(1000, 5), true, 'a cheap tree follows every 1 s refresh');
  assert.equal(treeBuildDue(1000, 150), false, 'a 150 ms build is not repeated a second later');
  assert.equal(treeBuildDue(1500, 150), true, '... but 1.5 s later');
  assert.equal(treeBuildDue(0, 0), true);
});
