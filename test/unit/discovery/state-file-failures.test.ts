// Fixture host: runtimes' state files that cannot be used. Docker's config.v2.json may not be read (mode 0600, the
// scan running as an unprivileged user), tctop's state.json holds JSON that is not an object, an LXC container's
// config is denied too. The adapters read through the scan's HostReader, so each is a note of its kind in the
// snapshot and counted by tctop_scan_errors; every container still appears with what could be read.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { FixtureHost } from '../../helpers/fixture-host.js';
import { isRoot, missing } from '../../helpers/prereq.js';
import { FixedSnapshot } from '../exporter/snapshot-fixture.js';

const DOCKER = '7e57f11e0000000000000000000000000000000000000000000000000000abcd';
const TCTOP = '7e57f11e1111111111111111111111111111111111111111111111111111abcd';
const NOBODY = 65534;
const DOCKER_CONFIG = `/var/lib/docker/containers/${DOCKER}/config.v2.json`;
const TCTOP_STATE = `/var/lib/tctop/containers/${TCTOP}/state.json`;
const LXC_CONFIG = '/var/lib/lxc/web1/config';
const CT_NS = (base: number) => ({ pid: base + 1, mnt: base, net: base + 3, uts: base + 2, ipc: base + 4, cgroup: base + 5 });

function brokenHost(t: TestContext): { root: string; h: FixtureHost } {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  // docker: found by its cgroup and its shim; the metadata that would name it is unreadable
  h.process({
    pid: 7000,
    ppid: 1,
    comm: 'containerd-shim',
    args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', DOCKER, '-address', '/run/containerd/containerd.sock'],
    cgroup: '/system.slice/containerd.service',
  });
  const dockerScope = `/system.slice/docker-${DOCKER}.scope`;
  h.process({ pid: 7010, ppid: 7000, comm: 'nginx', args: ['nginx'], cgroup: dockerScope, ns: CT_NS(4026534000), nspid: [7010, 1] });
  h.json(DOCKER_CONFIG, { ID: DOCKER, Name: '/secret-name', Config: { Image: 'nginx:1.25' }, State: { Running: true, Pid: 7010 } });
  // tctop: its shim's command line names it; state.json parses but is not an object
  h.process({
    pid: 7100,
    ppid: 1,
    comm: 'tctop-shim',
    args: ['/opt/tctop/native/build/tctop-shim', '--id', TCTOP, '--state', `/var/lib/tctop/containers/${TCTOP}`],
    cgroup: '/system.slice/tctop.service',
  });
  h.process({ pid: 7110, ppid: 7100, comm: 'httpd', args: ['httpd'], cgroup: `/tctop/${TCTOP}`, ns: CT_NS(4026534100), nspid: [7110, 1] });
  h.file(TCTOP_STATE, '["not", "a", "state"]');
  // lxc: the monitor names it; its config (the image's name) is denied
  h.process({
    pid: 7200,
    ppid: 1,
    comm: 'lxc-start',
    cmdline: Buffer.from('[lxc monitor] /var/lib/lxc web1\0'),
    cgroup: '/lxc.monitor.web1',
  });
  h.process({
    pid: 7210,
    ppid: 7200,
    comm: 'init',
    args: ['/sbin/init'],
    cgroup: '/lxc.payload.web1',
    ns: CT_NS(4026534200),
    nspid: [7210, 1],
  });
  h.file(LXC_CONFIG, 'lxc.rootfs.path = dir:/var/lib/lxc/web1/rootfs\nlxc.uts.name = web1\n');
  const root = h.build();
  for (const secret of [DOCKER_CONFIG, LXC_CONFIG]) chmodSync(h.path(secret), 0o600);
  chmodSync(root, 0o755); // the fixture's own directory: everything else in it stays readable to the scan
  return { root, h };
}

/** Scans as an unprivileged user (root reads a 0600 file anyway); back to root whatever happens. */
function scanAsNobody(root: string): HostSnapshot {
  process.seteuid!(NOBODY);
  try {
    return scanHost({ root, includeStopped: true });
  } finally {
    process.seteuid!(0);
  }
}

test('state files denied or malformed: noted by kind, counted by tctop_scan_errors, the containers still shown', async (t) => {
  if (missing(t, isRoot(), 'root (the scan drops to an unprivileged user to be denied a file)')) return;
  const { root } = brokenHost(t);
  const snap = scanAsNobody(root);

  const byId = new Map(snap.containers.map((c) => [c.id, c]));
  const docker = byId.get(DOCKER);
  assert.deepEqual([docker?.runtime, docker?.name, docker?.image, docker?.init?.hostPid], ['docker', DOCKER.slice(0, 12), '', 7010]);
  const tctop = byId.get(TCTOP);
  assert.deepEqual([tctop?.runtime, tctop?.name, tctop?.image, tctop?.init?.hostPid], ['tctop', TCTOP.slice(0, 12), '', 7110]);
  const lxc = snap.containers.find((c) => c.runtime === 'lxc');
  assert.deepEqual([lxc?.name, lxc?.image, lxc?.init?.hostPid], ['web1', '', 7210]);

  const notes = snap.notes.map((n) => [n.path.slice(root.length), n.kind]).sort();
  assert.deepEqual(notes, [
    [DOCKER_CONFIG, 'denied'],
    [LXC_CONFIG, 'denied'],
    [TCTOP_STATE, 'malformed'],
  ]);
  assert.match(snap.notes.find((n) => n.path.endsWith(TCTOP_STATE))!.reason, /not a JSON object/);

  const renderer = new MetricsRenderer(
    new FixedSnapshot(snap),
    COLLECTORS.filter((c) => c.name === 'tctop'),
  );
  assert.deepEqual((await renderer.render('prometheus')).body.match(/^tctop_scan_errors\{.*$/gm), [
    'tctop_scan_errors{kind="vanished"} 0',
    'tctop_scan_errors{kind="denied"} 2',
    'tctop_scan_errors{kind="malformed"} 1',
  ]);
});

test('the same host read as root: the files are read, so no notes and the names are the runtimes\u2019', (t) => {
  if (missing(t, isRoot(), 'root (the fixture files are 0600)')) return;
  const { root } = brokenHost(t);
  const snap = scanHost({ root, includeStopped: true });
  assert.equal(snap.containers.find((c) => c.id === DOCKER)?.name, 'secret-name');
  assert.equal(snap.containers.find((c) => c.runtime === 'lxc')?.image, '/var/lib/lxc/web1/rootfs');
  assert.deepEqual(
    snap.notes.map((n) => [n.path.slice(root.length), n.kind]),
    [[TCTOP_STATE, 'malformed']],
  );
});

test('a directory where a state file should be is a malformed note, not the end of the scan', (t) => {
  const { root, h } = brokenHost(t);
  rmSync(h.path(DOCKER_CONFIG));
  mkdirSync(h.path(DOCKER_CONFIG));
  rmSync(h.path(LXC_CONFIG));
  mkdirSync(h.path(LXC_CONFIG));
  const snap = scanHost({ root, includeStopped: true });
  assert.deepEqual(snap.containers.map((c) => [c.runtime, c.init?.hostPid]).sort(), [
    ['docker', 7010],
    ['lxc', 7210],
    ['tctop', 7110],
  ]);
  assert.deepEqual(
    snap.notes
      .filter((n) => n.reason === 'a directory, not a file')
      .map((n) => [n.path.slice(root.length), n.kind])
      .sort(),
    [
      [DOCKER_CONFIG, 'malformed'],
      [LXC_CONFIG, 'malformed'],
    ],
  );
});
