import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detailView } from '../../../src/tui/view/detail.js';
import { container, proc, snapshot } from './fixtures.js';

const ID = 'd'.repeat(64);

test('the process tree hangs under the shim, with host PID, in-container PID and CPU%', () => {
  const c = container(ID, {
    shim: { pid: 50, command: 'containerd-shim-runc-v2 -id ddd' },
    init: { hostPid: 100, containerPid: 1 },
    pids: [100, 101, 102],
    namespaces: [
      { type: 'pid', inode: 4026532180, sharedWithHost: false },
      { type: 'user', inode: 4026531837, sharedWithHost: true },
    ],
  });
  const procs = [
    proc(50, 1, 'containerd-shim-runc-v2 -id ddd'),
    proc(100, 50, 'sh -c serve', { containerPid: 1 }),
    proc(101, 100, 'httpd -f', { containerPid: 7, cpuTicks: 0 }),
    proc(102, 100, 'logger', { containerPid: 8 }),
  ];
  const prev = snapshot([c], procs, 1_700_000_000_000, 1000);
  const later = procs.map((p) => (p.hostPid === 101 ? { ...p, cpuTicks: 50 } : p));
  const cur = snapshot([c], later, 1_700_000_001_000, 1001);
  const view = detailView(c, cur, prev, 100);
  const lines = view.processLines;
  assert.match(lines[0], /^\s+50\s+50 .*\[shim\] containerd-shim/);
  assert.match(lines[1], /^\s+100\s+1 root .*└─ sh -c serve$/);
  assert.match(lines[2], /^\s+101\s+7 root\s+50\.0% .* {2}└─ httpd -f$/);
  assert.match(lines[3], /^\s+102\s+8 .* {2}└─ logger$/);
  for (const l of lines) assert.ok(l.length <= 100, `fits: ${l}`);
  assert.match(view.namespaceLines[1], /^pid\s+4026532180 {2}own$/);
  assert.match(view.namespaceLines[2], /^user\s+4026531837 {2}shared with host$/);
  assert.match(view.cgroupLines[0], /\/docker\/d{64}/);
  assert.match(view.cgroupLines.join('\n'), /limit 100MiB/);
});

test('escape sequences in command lines and names are shown escaped', () => {
  const c = container(ID, { name: 'n\u001b[31m', pids: [100] });
  const view = detailView(c, snapshot([c], [proc(100, 1, 'sleep \u001b]2;PWNED\u0007 9')]), undefined, 120);
  assert.ok(!/[\u0000-\u001f]/.test(view.processLines.join('') + view.title));
  assert.match(view.processLines[0], /sleep \\e\]2;PWNED\\x07 9/);
  assert.match(view.title, /n\\e\[31m/);
});

test('a container without processes or cgroup still renders', () => {
  const c = container(ID, { pids: [], cgroup: null, namespaces: [] });
  const view = detailView(c, snapshot([c]), undefined, 80);
  assert.deepEqual(view.processLines, ['(no processes)']);
  assert.deepEqual(view.cgroupLines, ['(no cgroup found)']);
});
