// Discovery of each runtime's container on a systemd + cgroup v2 host: `tctop ps --json` and `tctop inspect --json`
// (one call each, for all six) against the runtime's own tool and the kernel's NSpid and cgroup files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { InspectJson } from '../../helpers/runtimes.js';
import { asRootless, cgroupProcsBelow, containerPidOf, NAMES, ok, ROOTLESS_USER, setupOk, tctopViews, unifiedCgroupOf } from './lib.js';

const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

interface Expected {
  /** Which of boot.sh's containers (NAMES). */
  key: keyof typeof NAMES;
  /** The runtime tctop must name (default: key). */
  runtime?: string;
  /** What the check's title says of it (default: the runtime). */
  title?: string;
  steps: string[];
  image: string;
  /** The init's host PID, as the runtime's own tool says. */
  initPid: () => number;
  /** Every host PID of the container, as the runtime's own tool says. */
  pids: (c: InspectJson) => number[];
  /** The command of the process started next to init (exec, attach, or the payload's child). */
  extra: string;
  /** The cgroup tctop reports, from the init's own (default: that one). */
  cgroupOf?: (initCgroup: string) => string;
}

function check(e: Expected): void {
  const name = NAMES[e.key];
  const runtime = e.runtime ?? e.key;
  test(`discovery ${e.title ?? runtime}: ps and inspect agree with its own tool (PIDs both ways, exec'd process, v2 cgroup)`, () => {
    for (const s of e.steps) setupOk(s);
    const { ps, inspect } = tctopViews();
    const row = ps.find((r) => r.name === name);
    assert.ok(row, `${name} in tctop ps --json -a (rows: ${ps.map((r) => `${r.runtime}/${r.name}`).join(', ')})`);
    assert.equal(row.runtime, runtime);
    assert.equal(row.state, 'running');
    assert.equal(row.image, e.image);
    const c = inspect.get(name);
    assert.ok(c, `${name} in tctop inspect --json`);
    const init = e.initPid();
    assert.equal(c.init?.hostPid, init, 'init host PID = the runtime tool');
    assert.equal(c.init?.containerPid, containerPidOf(init), 'init container PID = the kernel (NSpid)');
    assert.deepEqual(sorted(c.processes.map((p) => p.hostPid)), sorted(e.pids(c)), 'host PIDs = the runtime tool');
    for (const p of c.processes) assert.equal(p.containerPid, containerPidOf(p.hostPid), `container PID of host PID ${p.hostPid}`);
    assert.ok(
      c.processes.some((p) => p.command === e.extra),
      `the extra process "${e.extra}" (have: ${c.processes.map((p) => p.command).join(' | ')})`,
    );
    assert.equal(c.cgroup?.version, 2);
    const own = unifiedCgroupOf(init);
    assert.equal(c.cgroup?.path, e.cgroupOf ? e.cgroupOf(own) : own, `cgroup (the init's is ${own})`);
  });
}

const lines = (s: string) => s.trim().split('\n');

check({
  key: 'docker',
  steps: ['docker-run', 'docker-exec'],
  image: 'tctop-test/busybox:latest',
  initPid: () => Number(ok('docker', ['inspect', '-f', '{{.State.Pid}}', NAMES.docker])),
  pids: () =>
    lines(ok('docker', ['top', NAMES.docker, '-o', 'pid']))
      .slice(1)
      .map(Number),
  extra: 'sleep 9001',
});

// podman top's pid/hpid descriptors give both sides of the mapping: one call per container (a podman start costs
// seconds here) answers the init (container PID 1), every host PID, and the pairs tctop must match exactly.
type Pair = { containerPid: number; hostPid: number };
const topPairs = new Map<string, Pair[]>();
function podmanTop(name: string, rootless: boolean): Pair[] {
  const args = ['top', name, 'pid', 'hpid'];
  if (!topPairs.has(name))
    topPairs.set(
      name,
      lines(rootless ? ok(...asRootless('podman', args)) : ok('podman', args))
        .slice(1)
        .map((l) => l.trim().split(/\s+/).map(Number))
        .map(([containerPid, hostPid]) => ({ containerPid, hostPid })),
    );
  return topPairs.get(name)!;
}
const pairText = (ps: Pair[]) => ps.map((p) => `${p.containerPid}:${p.hostPid}`).sort();
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const scopeOf = (slice: string) => (own: string) => {
  // crun under systemd runs the payload in a `container` child of libpod-<id>.scope; podman's limits are on the
  // scope (crun repeats them on the child), so the scope is the container's cgroup, as cAdvisor reports it
  assert.match(own, new RegExp(`^${slice.replace(/\./g, '\\.')}/libpod-[0-9a-f]{64}\\.scope/container$`));
  return own.replace(/\/container$/, '');
};

test('discovery podman: inspect pairs (container PID, host PID) = podman top … pid hpid', () => {
  setupOk('podman-exec');
  const c = tctopViews().inspect.get(NAMES.podman);
  assert.ok(c, `${NAMES.podman} in tctop inspect --json`);
  assert.deepEqual(pairText(c.processes), pairText(podmanTop(NAMES.podman, false)));
});
check({
  key: 'podman',
  steps: ['podman-run', 'podman-exec'],
  image: 'localhost/tctop-test/busybox:latest',
  initPid: () => podmanTop(NAMES.podman, false).find((p) => p.containerPid === 1)?.hostPid ?? -1,
  pids: () => podmanTop(NAMES.podman, false).map((p) => p.hostPid),
  extra: 'sleep 9002',
  cgroupOf: scopeOf('/machine.slice'),
});

// Rootless podman (user tctopu, boot.sh): the container in the user's own user namespace, its cgroup below
// user@1000.service, conmon running as the user, and its name and image only in the user's own storage
// (~/.local/share/containers/storage/overlay-containers/containers.json).
test('discovery podman rootless: pairs = podman top … pid hpid as the user; conmon of the user as shim; own user namespace', () => {
  setupOk('rootless-exec');
  const c = tctopViews().inspect.get(NAMES.podmanRootless);
  assert.ok(c, `${NAMES.podmanRootless} in tctop inspect --json`);
  assert.deepEqual(pairText(c.processes), pairText(podmanTop(NAMES.podmanRootless, true)));
  const storage = `${ROOTLESS_USER.home}/.local/share/containers/storage`;
  assert.ok(c.shim, 'conmon is the shim');
  assert.match(c.shim.command, new RegExp(`^/usr/bin/conmon .*-b ${storage}/overlay-containers/${c.id}/userdata `));
  assert.equal(uidOf(c.shim.pid), ROOTLESS_USER.uid, 'conmon runs as the user');
  assert.equal(uidOf(c.init!.hostPid), ROOTLESS_USER.uid, "the container's root is the user on the host");
  assert.equal(c.namespaces.find((n) => n.type === 'user')?.sharedWithHost, false, 'a user namespace of its own');
});
check({
  key: 'podmanRootless',
  runtime: 'podman',
  title: 'podman rootless',
  steps: ['rootless-run', 'rootless-exec'],
  image: 'localhost/tctop-test/busybox:latest',
  initPid: () => podmanTop(NAMES.podmanRootless, true).find((p) => p.containerPid === 1)?.hostPid ?? -1,
  pids: () => podmanTop(NAMES.podmanRootless, true).map((p) => p.hostPid),
  extra: 'sleep 9007',
  // as rootful: the payload in the scope's `container` child (seen in the guest)
  cgroupOf: scopeOf(`/user.slice/user-${ROOTLESS_USER.uid}.slice/user@${ROOTLESS_USER.uid}.service/user.slice`),
});

check({
  key: 'containerd',
  steps: ['ctr-run', 'ctr-exec'],
  // ctr keeps a container's image only in containerd's metadata database (meta.db), not in the bundle, so tctop
  // (no runtime API) has none to show; CRI containers carry it in the bundle's io.kubernetes.cri.image-name
  image: '',
  initPid: () =>
    Number(
      lines(ok('ctr', ['-n', 'k8s.io', 'task', 'ls']))
        .map((l) => l.trim().split(/\s+/))
        .find((f) => f[0] === NAMES.containerd)?.[1],
    ),
  pids: () =>
    lines(ok('ctr', ['-n', 'k8s.io', 'task', 'ps', NAMES.containerd]))
      .slice(1)
      .map((l) => Number(l.trim().split(/\s+/)[0])),
  extra: 'sleep 9003',
});

// machinectl status draws the machine's cgroup tree with every PID; the systemd-nspawn supervisor in it is the
// shim, not a container process.
check({
  key: 'nspawn',
  steps: ['nspawn-run', 'nspawn-registered'],
  image: '/var/lib/machines/vm-nspawn',
  initPid: () => Number(ok('machinectl', ['show', NAMES.nspawn, '-p', 'Leader', '--value'])),
  pids: () =>
    lines(ok('machinectl', ['status', '--no-pager', '-l', NAMES.nspawn]))
      .map((l) => /^[\s│├└─]*(\d+) (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && !/^\S*systemd-nspawn /.test(m[2]))
      .map((m) => Number(m[1])),
  extra: 'sleep 9004',
});

// lxc-info names the init; the payload cgroup LXC made (lxc.payload.<name>) holds the rest, lxc-attach'd
// processes in its .lxc child.
check({
  key: 'lxc',
  steps: ['lxc-run', 'lxc-running'],
  image: '/var/lib/lxc/vm-lxc/rootfs',
  initPid: () => Number(ok('lxc-info', ['-n', NAMES.lxc, '-p', '-H'])),
  pids: (c) => cgroupProcsBelow(c.cgroup?.path ?? '/nonexistent'),
  extra: '/bin/sleep 9005',
});

// tctop's own engine: its state file names the init, its cgroup (/tctop/<id>) the rest.
check({
  key: 'tctop',
  steps: ['own-run'],
  image: 'busybox:latest',
  initPid: () => {
    const c = tctopViews().inspect.get(NAMES.tctop);
    return JSON.parse(readFileSync(`/var/lib/tctop/containers/${c?.id}/state.json`, 'utf8')).pid;
  },
  pids: (c) => cgroupProcsBelow(`/tctop/${c.id}`),
  extra: 'sleep 9006',
});
