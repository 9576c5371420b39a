// Fixture host 5: cgroup v2, systemd-nspawn.
// Layout: `machinectl start debian` runs systemd-nspawn@debian.service, whose ExecStart is
// `systemd-nspawn --quiet --keep-unit --boot --link-journal=try-guest --network-veth -U --settings=override --machine=%i`;
// on the unified hierarchy nspawn moves itself to <unit>/supervisor and the container to <unit>/payload, where the
// booted guest's systemd makes its own tree (payload/init.scope, payload/system.slice/...). With -U the container
// has its own user namespace (host UIDs from 0x70000000 up). A second container started by hand from a login shell
// (`systemd-nspawn --register=no -D /srv/alpine /bin/sh`) shares its parent's session scope.
// Sources: systemd's units/systemd-nspawn@.service.in and src/nspawn/nspawn-cgroup.c (supervisor/payload split), the
// payload path as quoted in systemd/systemd#18104; file formats from the kernel's cgroup-v2.rst.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import type { Container } from '../../../src/snapshot/model.js';
import { FixtureHost, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const UNIT = '/machine.slice/systemd-nspawn@debian.service';
const NSPAWN_ARGS = [
  '/usr/bin/systemd-nspawn',
  '--quiet',
  '--keep-unit',
  '--boot',
  '--link-journal=try-guest',
  '--network-veth',
  '-U',
  '--settings=override',
  '--machine=debian',
];
const DEBIAN_NS = {
  user: 4026533001,
  pid: 4026533004,
  mnt: 4026533002,
  net: 4026533007,
  uts: 4026533003,
  ipc: 4026533005,
  cgroup: 4026533008,
};
const ALPINE_NS = { pid: 4026533104, mnt: 4026533102, uts: 4026533103, ipc: 4026533105 };
const BASE_UID = 1879048192; // 0x70000000: nspawn -U's first range

function nspawnHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 7000, ppid: 1, comm: 'systemd-nspawn', args: NSPAWN_ARGS, cgroup: `${UNIT}/supervisor` });
  h.process({
    pid: 7010,
    ppid: 7000,
    comm: 'systemd',
    args: ['/lib/systemd/systemd'],
    uid: BASE_UID,
    cgroup: `${UNIT}/payload/init.scope`,
    ns: DEBIAN_NS,
    nspid: [7010, 1],
    startTicks: 50000,
    netDev: netDev([
      { name: 'lo', rx: [4096, 40, 0, 0], tx: [4096, 40, 0, 0] },
      { name: 'host0', rx: [123456, 300, 0, 0], tx: [65432, 200, 0, 0] },
    ]),
  });
  h.process({
    pid: 7040,
    ppid: 7010,
    comm: 'systemd-journal',
    args: ['/lib/systemd/systemd-journald'],
    uid: BASE_UID,
    cgroup: `${UNIT}/payload/system.slice/systemd-journald.service`,
    ns: DEBIAN_NS,
    nspid: [7040, 17],
    startTicks: 50100,
  });
  h.process({
    pid: 7060,
    ppid: 7010,
    comm: 'sshd',
    args: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
    uid: BASE_UID,
    cgroup: `${UNIT}/payload/system.slice/ssh.service`,
    ns: DEBIAN_NS,
    nspid: [7060, 44],
    startTicks: 50200,
  });
  // the guest's own cgroups: the payload totals its subtree; init.scope holds systemd alone
  h.cgroupFiles(`${UNIT}/payload`, {
    'memory.current': '62914560\n',
    'memory.stat': 'anon 33554432\nfile 25165824\ninactive_file 12582912\n',
    'memory.max': 'max\n',
    'cpu.stat': 'usage_usec 4500000\nuser_usec 3000000\nsystem_usec 1500000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    'pids.current': '14\n',
    'pids.max': '16384\n',
  });
  h.cgroupFiles(`${UNIT}/payload/init.scope`, {
    'memory.current': '8388608\n',
    'memory.stat': 'anon 4194304\nfile 3145728\ninactive_file 1048576\n',
    'memory.max': 'max\n',
    'cpu.stat': 'usage_usec 900000\nuser_usec 600000\nsystem_usec 300000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    'pids.current': '1\n',
    'pids.max': 'max\n',
  });
  // by hand from a login shell: no unit of its own, shares the session scope
  h.process({
    pid: 7500,
    ppid: 7490,
    comm: 'systemd-nspawn',
    args: ['systemd-nspawn', '--register=no', '-D', '/srv/alpine/', '/bin/sh'],
    cgroup: '/user.slice/user-0.slice/session-3.scope',
  });
  h.process({ pid: 7490, ppid: 1, comm: 'bash', args: ['-bash'], cgroup: '/user.slice/user-0.slice/session-3.scope' });
  h.process({
    pid: 7510,
    ppid: 7500,
    comm: 'sh',
    args: ['/bin/sh'],
    cgroup: '/user.slice/user-0.slice/session-3.scope',
    ns: ALPINE_NS,
    nspid: [7510, 1],
  });
  return h.build();
}

const byName = (cs: Container[], name: string) => {
  const c = cs.find((x) => x.name === name);
  assert.ok(c, `container ${name} found`);
  return c;
};

test("v2 nspawn: the machine named by --machine, systemd-nspawn as shim, the booted guest's processes", (t) => {
  const snap = scanHost({ root: nspawnHost(t) });
  assert.deepEqual(
    snap.containers.map((c) => [c.runtime, c.name, c.id]),
    [
      ['nspawn', 'alpine', 'alpine'],
      ['nspawn', 'debian', 'debian'],
    ],
  );
  const c = byName(snap.containers, 'debian');
  assert.equal(c.state, 'running');
  assert.deepEqual(c.shim, { pid: 7000, command: NSPAWN_ARGS.join(' ') });
  assert.deepEqual(c.init, { hostPid: 7010, containerPid: 1 });
  assert.deepEqual(c.pids, [7010, 7040, 7060]);
  assert.deepEqual(
    c.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['time'],
  );
  assert.equal(snap.processes.get(7040)?.user, String(BASE_UID));
  assert.equal(c.network?.rxBytes, 123456);
  assert.equal(c.network?.txBytes, 65432);
});

test("v2 nspawn: started by hand with -D, named after the directory, sharing its parent's cgroup", (t) => {
  const c = byName(scanHost({ root: nspawnHost(t) }).containers, 'alpine');
  assert.equal(c.image, '/srv/alpine/');
  assert.deepEqual(c.shim, { pid: 7500, command: 'systemd-nspawn --register=no -D /srv/alpine/ /bin/sh' });
  assert.deepEqual(c.init, { hostPid: 7510, containerPid: 1 });
  assert.deepEqual(
    c.namespaces.filter((n) => n.sharedWithHost).map((n) => n.type),
    ['cgroup', 'net', 'time', 'user'],
  );
  assert.equal(c.cgroup, null, "the session scope also holds the login shell and nspawn: not the container's figures");
});

test("v2 nspawn: the figures are the whole payload's, not the guest init.scope's alone", (t) => {
  const c = byName(scanHost({ root: nspawnHost(t) }).containers, 'debian');
  assert.equal(c.cgroup?.path, `${UNIT}/payload`);
  assert.equal(c.cgroup?.memory?.usageBytes, 62914560);
  assert.equal(c.cgroup?.memory?.workingSetBytes, 62914560 - 12582912);
  assert.equal(c.cgroup?.cpu?.usageSeconds, 4.5);
  assert.deepEqual(c.cgroup?.pids, { current: 14, limit: 16384 });
});

test('v2 nspawn: without -D the machine boots /var/lib/machines/<name>, which is its image', (t) => {
  assert.equal(byName(scanHost({ root: nspawnHost(t) }).containers, 'debian').image, '/var/lib/machines/debian');
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(nspawnHost(t), { includeStopped: true });
});
