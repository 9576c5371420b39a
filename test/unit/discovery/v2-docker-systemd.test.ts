// Fixture host 1: cgroup v2, Docker with the systemd cgroup driver (Debian 12/Fedora default since Docker 20.10).
// Layout as on real hosts: the container in /system.slice/docker-<id>.scope, its shim
// (`containerd-shim-runc-v2 -namespace moby -id <id> -address ...`, comm cut to "containerd-shim") in
// /system.slice/containerd.service with its cwd in the task bundle, config.v2.json under /var/lib/docker/containers.
// Sources: docker-<id>.scope paths as quoted in kontena/pharos-cluster#440 and the rAdvisor cgroup-v2 notes; the
// shim's argv and cwd captured on this machine's dockerd; cgroup file formats from the kernel's
// Documentation/admin-guide/cgroup-v2.rst (cpu.stat, memory.stat, memory.events, io.stat, PSI), values in
// test/fixtures/hosts/v2-docker-systemd/web.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { inspectJson } from '../../../src/report/container-json.js';
import { FixtureHost, HOST_NS, fixtureDir, netDev } from '../../helpers/fixture-host.js';
import { assertAsideScanAgrees } from '../../helpers/scan-aside.js';

const ID = '3c1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const STOPPED = 'b16518f2aa1b484a2b9a47aff0901792f8c3c7e2b7a48be8b5adcff30e213458';
const SCOPE = `/system.slice/docker-${ID}.scope`;
const SHIM_ARGS = ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID, '-address', '/run/containerd/containerd.sock'];
const CT_NS = { pid: 4026532301, mnt: 4026532298, net: 4026532304, uts: 4026532299, ipc: 4026532300, cgroup: 4026532363 };

function dockerConfig(id: string, name: string, state: Record<string, unknown>, labels: Record<string, string>) {
  return {
    StreamConfig: {},
    State: {
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      RemovalInProgress: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: '0001-01-01T00:00:00Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: null,
      ...state,
    },
    ID: id,
    Created: '2023-11-14T22:19:59.512345678Z',
    Managed: false,
    Path: '/docker-entrypoint.sh',
    Args: ['nginx', '-g', 'daemon off;'],
    Config: { Hostname: id.slice(0, 12), Image: 'nginx:1.25', Labels: labels, Cmd: ['nginx', '-g', 'daemon off;'] },
    Image: 'sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6',
    Name: `/${name}`,
    Driver: 'overlay2',
    RestartCount: 0,
  };
}

function dockerHost(t: { after(fn: () => void): void }, shimGone = false): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 612, ppid: 1, comm: 'containerd', args: ['/usr/bin/containerd'], cgroup: '/system.slice/containerd.service' });
  h.process({
    pid: 790,
    ppid: 1,
    comm: 'dockerd',
    args: ['/usr/sbin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock'],
    cgroup: '/system.slice/docker.service',
  });
  h.process({
    pid: 2000,
    ppid: 1,
    comm: 'containerd-shim-runc-v2',
    args: SHIM_ARGS,
    cgroup: '/system.slice/containerd.service',
    cwd: `/run/containerd/io.containerd.runtime.v2.task/moby/${ID}`,
    threads: 11,
  });
  // the container init: PID 1 inside, nginx master
  h.process({
    pid: 2010,
    ppid: 2000,
    comm: 'nginx',
    args: ['nginx: master process nginx -g daemon off;'],
    cgroup: SCOPE,
    ns: CT_NS,
    nspid: [2010, 1],
    startTicks: 31000,
    netDev: netDev([
      { name: 'lo', rx: [0, 0, 0, 0], tx: [0, 0, 0, 0] },
      { name: 'eth0', rx: [1048576, 812, 0, 3], tx: [65536, 402, 1, 0] },
    ]),
  });
  h.process({
    pid: 2040,
    ppid: 2010,
    comm: 'nginx',
    args: ['nginx: worker process'],
    cgroup: SCOPE,
    ns: CT_NS,
    nspid: [2040, 29],
    uid: 101,
    startTicks: 31010,
  });
  // `docker exec web sh`: a child of the shim, not of the init
  h.process({ pid: 2100, ppid: 2000, comm: 'sh', args: ['sh'], cgroup: SCOPE, ns: CT_NS, nspid: [2100, 35], startTicks: 45000 });
  h.cgroupFiles(SCOPE, fixtureDir('v2-docker-systemd/web'));
  h.json(
    `/var/lib/docker/containers/${ID}/config.v2.json`,
    dockerConfig(
      ID,
      'web',
      { Running: true, Pid: 2010, StartedAt: '2023-11-14T22:20:00.250000000Z' },
      { 'com.example.team': 'frontend', maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
    ),
  );
  if (shimGone) h.exit(2000);
  h.json(
    `/var/lib/docker/containers/${STOPPED}/config.v2.json`,
    dockerConfig(
      STOPPED,
      'old-job',
      { ExitCode: 137, OOMKilled: true, StartedAt: '2023-11-14T20:00:00Z', FinishedAt: '2023-11-14T21:00:00Z' },
      {},
    ),
  );
  return h.build();
}

test("v2 docker (systemd driver): identity from config.v2.json, shim, init and every process incl. the exec'd one", (t) => {
  const snap = scanHost({ root: dockerHost(t) });
  assert.equal(snap.host.cgroupVersion, 2);
  assert.deepEqual(
    snap.containers.map((c) => c.id),
    [ID],
  );
  const c = snap.containers[0];
  assert.equal(c.runtime, 'docker');
  assert.equal(c.name, 'web');
  assert.equal(c.image, 'nginx:1.25');
  assert.equal(c.state, 'running');
  assert.deepEqual(c.labels, { 'com.example.team': 'frontend', maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' });
  assert.deepEqual(c.shim, { pid: 2000, command: SHIM_ARGS.join(' ') });
  assert.deepEqual(c.init, { hostPid: 2010, containerPid: 1 });
  assert.deepEqual(c.pids, [2010, 2040, 2100]);
  assert.equal(c.startedAt, Date.parse('2023-11-14T22:20:00.250Z') / 1000);
  assert.equal(c.createdAt, Date.parse('2023-11-14T22:19:59.512Z') / 1000);

  const rows = (inspectJson(c, snap).processes as Array<Record<string, unknown>>).map((p) => [
    p.hostPid,
    p.containerPid,
    p.ppid,
    p.user,
    p.command,
  ]);
  assert.deepEqual(rows, [
    [2010, 1, 2000, 'root', 'nginx: master process nginx -g daemon off;'],
    [2040, 29, 2010, '101', 'nginx: worker process'],
    [2100, 35, 2000, 'root', 'sh'],
  ]);
});

test('v2 docker (systemd driver): namespaces, shared ones marked against PID 1', (t) => {
  const c = scanHost({ root: dockerHost(t) }).containers[0];
  assert.deepEqual(c.namespaces, [
    { type: 'cgroup', inode: CT_NS.cgroup, sharedWithHost: false },
    { type: 'ipc', inode: CT_NS.ipc, sharedWithHost: false },
    { type: 'mnt', inode: CT_NS.mnt, sharedWithHost: false },
    { type: 'net', inode: CT_NS.net, sharedWithHost: false },
    { type: 'pid', inode: CT_NS.pid, sharedWithHost: false },
    { type: 'time', inode: HOST_NS.time, sharedWithHost: true },
    { type: 'user', inode: HOST_NS.user, sharedWithHost: true },
    { type: 'uts', inode: CT_NS.uts, sharedWithHost: false },
  ]);
});

test('v2 docker (systemd driver): every cgroup figure, computed by hand from the fixture files', (t) => {
  const c = scanHost({ root: dockerHost(t) }).containers[0];
  assert.deepEqual(c.cgroup, {
    version: 2,
    path: SCOPE,
    frozen: false, // cgroup.events: frozen 0
    cpu: {
      usageSeconds: 1.839214,
      userSeconds: 1.204551,
      systemSeconds: 0.634663,
      periods: 4172,
      throttledPeriods: 312,
      throttledSeconds: 9.871234,
      quotaMicros: 50000,
      periodMicros: 100000,
      shares: 2597, // cpu.weight 100 -> 2 + 99 * 262142 / 9999 = 2597.46
      cpusetCpus: '0-1',
    },
    memory: {
      usageBytes: 19558400,
      workingSetBytes: 19558400 - 9797632, // memory.current - inactive_file = 9760768
      rssBytes: 5779456, // anon
      cacheBytes: 12697600, // file
      swapBytes: 0,
      limitBytes: 268435456,
      oomKills: 1,
      oomEvents: 2,
      failcnt: 17, // memory.events max
      kernelUsageBytes: 1081344,
      mappedFileBytes: 7430144,
      pgfault: 7593,
      pgmajfault: 112,
    },
    pids: { current: 3, limit: 100 },
    io: {
      readBytes: 1459200 + 90112,
      writeBytes: 314773504,
      readOps: 192 + 22,
      writeOps: 353,
      devices: [
        { device: '', major: 254, minor: 0, bytes: { Read: 1459200, Write: 314773504 } },
        { device: '', major: 8, minor: 0, bytes: { Read: 90112, Write: 0 } },
      ],
    },
    pressure: {
      cpu: { someTotalMicros: 2451780, fullTotalMicros: 1733004 },
      memory: { someTotalMicros: 31502, fullTotalMicros: 30019 },
      io: { someTotalMicros: 412365, fullTotalMicros: 398812 },
    },
  });
  // network from the init's net/dev, loopback excluded
  assert.equal(c.network?.rxBytes, 1048576);
  assert.equal(c.network?.rxPackets, 812);
  assert.equal(c.network?.rxDropped, 3);
  assert.equal(c.network?.txBytes, 65536);
  assert.equal(c.network?.txPackets, 402);
  assert.equal(c.network?.txErrors, 1);
  assert.deepEqual(
    c.network?.interfaces.map((i) => i.name),
    ['lo', 'eth0'],
  );
});

test('v2 docker: -a lists the exited container from config.v2.json, no process, its exit code and OOM kill', (t) => {
  const snap = scanHost({ root: dockerHost(t), includeStopped: true });
  const stopped = snap.containers.find((c) => c.id === STOPPED);
  assert.ok(stopped, 'stopped container listed');
  assert.equal(stopped.name, 'old-job');
  assert.equal(stopped.state, 'exited');
  assert.equal(stopped.init, null);
  assert.deepEqual(stopped.pids, []);
  assert.equal(stopped.extra.exitCode, 137);
  assert.equal(stopped.extra.oomKilled, true);
  assert.equal(stopped.extra.finishedAt, Date.parse('2023-11-14T21:00:00Z') / 1000);
});

test('v2 docker: no exit code while config.v2.json still says running (its ExitCode 0 is not an exit yet)', (t) => {
  const web = scanHost({ root: dockerHost(t), includeStopped: true }).containers.find((c) => c.id === ID);
  assert.equal(web?.extra.exitCode, null);
  assert.equal(web?.extra.oomKilled, false);
});

test('v2 docker: found by its docker-<id>.scope alone (the shim killed): still docker, named, no shim', (t) => {
  const c = scanHost({ root: dockerHost(t, true) }).containers;
  assert.deepEqual(
    c.map((x) => [x.id, x.runtime, x.name, x.shim, x.pids, x.cgroup?.path]),
    [[ID, 'docker', 'web', null, [2010, 2040, 2100], SCOPE]],
  );
});

test('v2 docker: the host facts come from the fixture /proc', (t) => {
  const snap = scanHost({ root: dockerHost(t) });
  assert.equal(snap.host.hostname, 'node-1');
  assert.equal(snap.host.kernel, '6.1.0-13-amd64');
  assert.equal(snap.host.cpuCores, 2);
  assert.equal(snap.host.bootTimeSeconds, 1700000000);
  assert.equal(snap.host.memoryBytes, 24684084 * 1024);
  assert.deepEqual(snap.host.hostNamespaces, HOST_NS);
  assert.deepEqual(snap.notes, []);
});

// Rootless Docker (dockerd-rootless.sh under alice's systemd user instance): containers in
// /user.slice/user-1000.slice/user@1000.service/user.slice/docker-<id>.scope, the shim inside rootlesskit's user
// namespace talking to /run/user/1000/docker/containerd/containerd.sock, and the data root ~/.local/share/docker
// (Docker's "Rootless mode" documentation: data-root $XDG_DATA_HOME/docker, exec-root $XDG_RUNTIME_DIR/docker).
const ROOTLESS_ID = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ROOTLESS_SCOPE = `/user.slice/user-1000.slice/user@1000.service/user.slice/docker-${ROOTLESS_ID}.scope`;
const ROOTLESS_SHIM = [
  '/usr/bin/containerd-shim-runc-v2',
  '-namespace',
  'moby',
  '-id',
  ROOTLESS_ID,
  '-address',
  '/run/user/1000/docker/containerd/containerd.sock',
];

function rootlessHost(t: { after(fn: () => void): void }): string {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  const kit = { user: 4026532601, mnt: 4026532602, net: 4026532603 };
  h.process({
    pid: 3000,
    ppid: 2990,
    comm: 'containerd-shim',
    uid: 1000,
    args: ROOTLESS_SHIM,
    cgroup: '/user.slice/user-1000.slice/user@1000.service/app.slice/docker.service',
    ns: kit,
    cwd: `/run/user/1000/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/${ROOTLESS_ID}`,
  });
  h.process({
    pid: 3010,
    ppid: 3000,
    comm: 'redis-server',
    uid: 100998,
    args: ['redis-server *:6379'],
    cgroup: ROOTLESS_SCOPE,
    ns: { ...kit, pid: 4026532611, mnt: 4026532612, net: 4026532613, uts: 4026532614, ipc: 4026532615, cgroup: 4026532616 },
    nspid: [3010, 1],
  });
  h.json(
    `/home/alice/.local/share/docker/containers/${ROOTLESS_ID}/config.v2.json`,
    dockerConfig(ROOTLESS_ID, 'cache', { Running: true, Pid: 3010, StartedAt: '2023-11-14T23:00:00Z' }, {}),
  );
  return h.build();
}

test('v2 rootless docker: found below user@1000.service as docker, with its shim and init', (t) => {
  const c = scanHost({ root: rootlessHost(t) }).containers;
  assert.deepEqual(
    c.map((x) => [x.id, x.runtime, x.shim?.pid, x.init, x.cgroup?.path]),
    [[ROOTLESS_ID, 'docker', 3000, { hostPid: 3010, containerPid: 1 }, ROOTLESS_SCOPE]],
  );
  assert.equal(c[0].namespaces.find((n) => n.type === 'user')?.sharedWithHost, false);
});

test("v2 rootless docker: name and image from the user's data root (~/.local/share/docker/containers/<id>/config.v2.json)", (t) => {
  const c = scanHost({ root: rootlessHost(t) }).containers[0];
  assert.deepEqual([c.name, c.image], ['cache', 'nginx:1.25']);
});

test('the one-shot scan with the PID namespaces read aside by the native helper sees exactly the same', async (t) => {
  await assertAsideScanAgrees(dockerHost(t), { includeStopped: true });
  await assertAsideScanAgrees(rootlessHost(t), { includeStopped: true });
});
