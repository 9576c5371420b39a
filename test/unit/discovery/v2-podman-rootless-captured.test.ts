// Rootless podman as the Debian 13 guest (test/vm/, podman 5.4 + crun, systemd cgroup manager through the user's
// own systemd and D-Bus) runs it for user tctopu (uid 1000, lingering): the layout and files seen there.
// - cgroup: /user.slice/user-1000.slice/user@1000.service/user.slice/libpod-<id>.scope, the payload (and exec'd
//   processes) in its `container` child, as rootful podman's; the user's manager delegates only cpu, memory and
//   pids (systemd's user@.service Delegate=pids memory cpu), so the scope has no io.stat: no io figures, not zeros.
// - conmon runs as the user, its argv (below, as read from /proc in the guest) names the user's storage with -b
//   (~/.local/share/containers/storage/overlay-containers/<id>/userdata) and its runroot under /run/user/1000.
// - the payload's root is uid 1000 on the host, in a user namespace of its own.
// The scope's files are test/fixtures/hosts/v2-debian13-podman-rootless/scope, captured in the guest from
// `podman run -d --network none` of a busybox `sleep` (PIDs and the ID as seen there; the exec'd process is added
// with a PID of its own). Expected figures are worked out by hand from those files.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { FixtureHost, fixtureDir } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const ID = '47d221df198aaef5293db4bf0b8f9678c9f9b090dcb99dc0fb919c30c9a21f55';
const SLICE = '/user.slice/user-1000.slice/user@1000.service/user.slice';
const SCOPE = `${SLICE}/libpod-${ID}.scope`;
const STORAGE = '/home/tctopu/.local/share/containers/storage';
const RUNROOT = '/run/user/1000/containers';
const NS = { user: 4026532361, mnt: 4026532363, uts: 4026532364, ipc: 4026532365, pid: 4026532366, net: 4026532367, cgroup: 4026532422 };

const exitArgs = [
  ...['--root', STORAGE, '--runroot', RUNROOT, '--log-level', 'warning', '--cgroup-manager', 'systemd'],
  ...['--tmpdir', '/run/user/1000/libpod/tmp', '--network-config-dir', '', '--network-backend', 'netavark'],
  ...['--volumepath', `${STORAGE}/volumes`, '--db-backend', 'sqlite', '--transient-store=false', '--runtime', 'crun'],
  ...['--storage-driver', 'overlay', '--events-backend', 'journald', 'container', 'cleanup', '--stopped-only', ID],
];
const CONMON = [
  ...['/usr/bin/conmon', '--api-version', '1', '-c', ID, '-u', ID, '-r', '/usr/bin/crun'],
  ...['-b', `${STORAGE}/overlay-containers/${ID}/userdata`, '-p', `${RUNROOT}/overlay-containers/${ID}/userdata/pidfile`],
  ...['-n', 'vm-podman-user', '--exit-dir', '/run/user/1000/libpod/tmp/exits'],
  ...['--persist-dir', `/run/user/1000/libpod/tmp/persist/${ID}`, '--full-attach', '-s', '-l', 'journald'],
  ...['--log-level', 'warning', '--syslog', '--runtime-arg', '--log-format=json', '--runtime-arg', '--log'],
  `--runtime-arg=${RUNROOT}/overlay-containers/${ID}/userdata/oci-log`,
  ...['--conmon-pidfile', `${RUNROOT}/overlay-containers/${ID}/userdata/conmon.pid`, '--exit-command', '/usr/bin/podman'],
  ...exitArgs.flatMap((a) => ['--exit-command-arg', a]),
];

function rootlessHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 1053, ppid: 1, comm: 'conmon', uid: 1000, args: CONMON, cgroup: `${SLICE}/libpod-conmon-${ID}.scope` });
  h.process({
    pid: 1056,
    ppid: 1053,
    comm: 'sleep',
    uid: 1000,
    args: ['sleep', '100000'],
    cgroup: `${SCOPE}/container`,
    ns: NS,
    nspid: [1056, 1],
  });
  // `podman exec -d vm-podman-user sleep 9007`
  h.process({
    pid: 1090,
    ppid: 1053,
    comm: 'sleep',
    uid: 1000,
    args: ['sleep', '9007'],
    cgroup: `${SCOPE}/container`,
    ns: NS,
    nspid: [1090, 2],
  });
  h.json(`${STORAGE}/overlay-containers/containers.json`, [
    {
      id: ID,
      names: ['vm-podman-user'],
      image: '08661ff53987a88693b61de7f5609b4c81cfce1b38690e907b8ce7a0629141d1',
      layer: 'd'.repeat(64),
      metadata: JSON.stringify({ 'image-name': 'localhost/tctop-test/busybox:latest', name: 'vm-podman-user' }),
      created: '2026-12-02T13:57:31.482165417Z',
    },
  ]);
  h.cgroupFiles(SCOPE, fixtureDir('v2-debian13-podman-rootless/scope'));
  return h.build();
}

test("v2 podman rootless (as in the guest): found below the user's user@1000.service, conmon of the user as shim", (t) => {
  const cs = scanHost({ root: rootlessHost(t) }).containers;
  assert.deepEqual(
    cs.map((c) => [c.runtime, c.id]),
    [['podman', ID]],
  );
  const c = cs[0];
  assert.equal(c.name, 'vm-podman-user');
  assert.equal(c.image, 'localhost/tctop-test/busybox:latest', "from the user's own containers.json");
  assert.equal(c.createdAt, Date.parse('2026-12-02T13:57:31.482Z') / 1000);
  assert.equal(c.state, 'running');
  assert.deepEqual(c.shim, { pid: 1053, command: CONMON.join(' ') });
  assert.deepEqual(c.init, { hostPid: 1056, containerPid: 1 });
  assert.deepEqual(c.pids, [1056, 1090]);
  assert.equal(c.namespaces.find((n) => n.type === 'user')?.sharedWithHost, false);
});

test('v2 podman rootless (as in the guest): figures of the scope; no io controller delegated, so no io figures', (t) => {
  const c = scanHost({ root: rootlessHost(t) }).containers[0];
  assert.deepEqual(c.cgroup, {
    version: 2,
    path: SCOPE,
    frozen: false,
    cpu: {
      usageSeconds: 0.509671,
      userSeconds: 0.068463,
      systemSeconds: 0.441208,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      quotaMicros: undefined, // cpu.max "max 100000"
      periodMicros: 100000,
      shares: 2597, // cpu.weight 100
      cpusetCpus: undefined, // no cpuset controller
    },
    memory: {
      usageBytes: 385024,
      workingSetBytes: 385024 - 4096,
      rssBytes: 106496,
      cacheBytes: 4096,
      swapBytes: 0,
      limitBytes: undefined, // memory.max "max"
      oomKills: 0,
      oomEvents: 0,
      failcnt: 0,
      kernelUsageBytes: 274432, // memory.stat kernel
      mappedFileBytes: 0, // file_mapped
      pgfault: 198,
      pgmajfault: 0,
    },
    pids: { current: 2, limit: 2048 }, // podman's default pids limit
    pressure: {
      cpu: { someTotalMicros: 82788, fullTotalMicros: 82788 },
      memory: { someTotalMicros: 0, fullTotalMicros: 0 },
      io: { someTotalMicros: 0, fullTotalMicros: 0 },
    },
  });
});

// `podman pause` (crun pause) writes cgroup.freeze of the payload's `container` child only: in the guest the scope
// kept "freeze 0, frozen 0" while container had "freeze 1, frozen 1" (rootful and rootless alike).
test('v2 podman rootless paused: crun froze only the container child, and the container is paused', (t) => {
  const root = rootlessHost(t);
  const c0 = scanHost({ root }).containers[0];
  assert.equal(c0.state, 'running');
  writeFileSync(join(root, `sys/fs/cgroup${SCOPE}/container/cgroup.freeze`), '1\n');
  writeFileSync(join(root, `sys/fs/cgroup${SCOPE}/container/cgroup.events`), 'populated 1\nfrozen 1\n');
  assert.equal(readFileSync(join(root, `sys/fs/cgroup${SCOPE}/cgroup.events`), 'utf8'), 'populated 1\nfrozen 0\n');
  const c = scanHost({ root }).containers[0];
  assert.equal(c.state, 'paused');
  assert.equal(c.cgroup?.frozen, true);
  assert.equal(c.cgroup?.path, SCOPE, 'the figures still come from the scope');
  // `tctop ps` reads a summary (four cgroup files of twenty): the init's cgroup decides there too
  assert.equal(scanHost({ root, figures: 'summary' }).containers[0].state, 'paused', 'summary scan (ps)');
});

test('v2 podman rootless: the one-shot scan with the PID namespaces read aside sees exactly the same', async (t) => {
  await assertAsideScanAgrees(rootlessHost(t), { includeStopped: true });
});
