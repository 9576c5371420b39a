// Fixture host 9: a hostile host. PID 1's namespace links are unreadable (as on this machine, where PID 1 holds a
// capability tctop lacks: EACCES even for root), processes exit mid-scan (their /proc directory lingers with some
// files gone), names and command lines carry terminal escapes and invalid UTF-8, one command line is 5 MB, a zombie
// has none, and a runtime's metadata file is half-written. The scan must not fail, and must say what it skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { CMDLINE_LIMIT } from '../../../src/host/procfs/cmdline.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { FixedSnapshot } from '../exporter/snapshot-fixture.js';
import { FixtureHost, HOST_NS } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const ID = '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a';
const SCOPE = `/system.slice/docker-${ID}.scope`;
const CT_NS = { pid: 4026533801, mnt: 4026533800, net: 4026533803, uts: 4026533802, ipc: 4026533804, cgroup: 4026533805 };
const ESCAPE_COMM = Buffer.from('\x1b]0;owned\x07x');
const HOSTILE_ARGV = Buffer.concat([Buffer.from('evil\x1b[2J\0'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\0\u202etxt.exe\0')]);

function hostileHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2', pid1NsUnreadable: true });
  h.dockerShim(9500, ID);
  h.process({ pid: 9510, ppid: 9500, comm: 'init', args: ['/sbin/init'], cgroup: SCOPE, ns: CT_NS, nspid: [9510, 1] });
  // exited between readdir and read: stat still there, status gone; another with only its directory left
  h.process({ pid: 9520, ppid: 9510, comm: 'gone', args: ['gone'], cgroup: SCOPE, ns: CT_NS, nspid: [9520, 2], missing: ['status'] });
  h.process({
    pid: 9525,
    ppid: 9510,
    comm: 'gone2',
    cgroup: SCOPE,
    ns: CT_NS,
    nspid: [9525, 3],
    missing: ['stat', 'status', 'cmdline', 'cgroup'],
  });
  h.process({ pid: 9530, ppid: 9510, comm: ESCAPE_COMM, cmdline: HOSTILE_ARGV, cgroup: SCOPE, ns: CT_NS, nspid: [9530, 4] });
  h.process({
    pid: 9540,
    ppid: 9510,
    comm: 'python3',
    cmdline: Buffer.concat([Buffer.from('python3\0-c\0'), Buffer.alloc(5 << 20, 0x78), Buffer.from('\0')]),
    cgroup: SCOPE,
    ns: CT_NS,
    nspid: [9540, 5],
  });
  h.process({ pid: 9550, ppid: 9510, comm: 'sh', args: [], state: 'Z', cgroup: SCOPE, ns: CT_NS, nspid: [9550, 6] });
  h.file(`/var/lib/docker/containers/${ID}/config.v2.json`, '{"ID":"5a5a","Name":"/half-wri');
  h.file('/proc/self', ''); // non-numeric /proc entries are not processes
  return h.build();
}

test('hostile: PID 1 unreadable -> host namespaces from kthreadd (PID 2), noted, and sharing still judged right', (t) => {
  const snap = scanHost({ root: hostileHost(t) });
  assert.deepEqual(snap.host.hostNamespaces, HOST_NS);
  assert.ok(
    snap.notes.some((n) => n.path.endsWith('/proc/1/ns') && /PID 2/.test(n.reason)),
    JSON.stringify(snap.notes),
  );
  const c = snap.containers[0];
  assert.deepEqual(
    c.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['time', 'user'],
  );
});

test('hostile: processes that vanished mid-scan are skipped, never an error; the container keeps the rest', (t) => {
  const snap = scanHost({ root: hostileHost(t) });
  assert.equal(snap.containers.length, 1);
  assert.deepEqual(snap.containers[0].pids, [9510, 9530, 9540, 9550]);
  assert.equal(snap.processes.has(9520), false);
  assert.equal(snap.processes.has(9525), false);
});

test('hostile: escapes stay raw in the model (escaped at print), invalid UTF-8 bytes become \\xNN, nothing replaced', (t) => {
  const p = scanHost({ root: hostileHost(t) }).processes.get(9530)!;
  assert.equal(p.comm, '\x1b]0;owned\x07x');
  assert.equal(p.command, 'evil\x1b[2J \\xff\\xfeA \u202etxt.exe');
  assert.doesNotMatch(p.command, /\ufffd/);
});

test('hostile: a 5 MB command line is cut at the read limit and marked; a zombie shows [comm]', (t) => {
  const snap = scanHost({ root: hostileHost(t) });
  const big = snap.processes.get(9540)!;
  assert.equal(big.command.length, CMDLINE_LIMIT + 1); // 'python3 -c ' + x... = the first CMDLINE_LIMIT bytes, NULs as spaces, + '…'
  assert.ok(big.command.startsWith('python3 -c xxxx'));
  assert.ok(big.command.endsWith('x…'));
  const zombie = snap.processes.get(9550)!;
  assert.deepEqual([zombie.state, zombie.command], ['Z', '[sh]']);
});

test('hostile: a half-written config.v2.json is a note, the container is still shown (named by its short ID)', (t) => {
  const snap = scanHost({ root: hostileHost(t) });
  const c = snap.containers[0];
  assert.deepEqual([c.runtime, c.id, c.name, c.image], ['docker', ID, ID.slice(0, 12), '']);
  assert.ok(
    snap.notes.some((n) => n.path.endsWith(`${ID}/config.v2.json`) && /unparsable JSON/.test(n.reason)),
    JSON.stringify(snap.notes),
  );
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(hostileHost(t), { includeStopped: true });
});

test('hostile: each note says which kind it is, and tctop_scan_errors counts them by kind', async (t) => {
  const root = hostileHost(t);
  const snap = scanHost({ root });
  const notes = snap.notes.map((n) => [n.path.slice(root.length), n.kind]).sort();
  assert.deepEqual(notes, [
    ['/proc/1/ns', 'denied'],
    ['/proc/9520/status', 'vanished'],
    ['/proc/9525/stat', 'vanished'],
    [`/var/lib/docker/containers/${ID}/config.v2.json`, 'malformed'],
  ]);
  const renderer = new MetricsRenderer(
    new FixedSnapshot(snap),
    COLLECTORS.filter((c) => c.name === 'tctop'),
  );
  const body = (await renderer.render('prometheus')).body;
  assert.deepEqual(body.match(/^tctop_scan_errors\{.*$/gm), [
    'tctop_scan_errors{kind="vanished"} 2',
    'tctop_scan_errors{kind="denied"} 1',
    'tctop_scan_errors{kind="malformed"} 1',
  ]);
});
