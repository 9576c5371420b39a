// Discovery of each runtime's container on a systemd + cgroup v2 host: `tctop ps --json` and `tctop inspect --json`
// (one call each, for all six) against the runtime's own tool and the kernel's NSpid and cgroup files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { InspectJson } from '../../helpers/runtimes.js';
import { cgroupProcsBelow, containerPidOf, NAMES, ok, setupOk, tctopViews, unifiedCgroupOf } from './lib.js';

const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

interface Expected {
  runtime: keyof typeof NAMES;
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
  const name = NAMES[e.runtime];
  test(`discovery ${e.runtime}: ps and inspect agree with its own tool (PIDs both ways, exec'd process, v2 cgroup)`, () => {
    for (const s of e.steps) setupOk(s);
    const { ps, inspect } = tctopViews();
    const row = ps.find((r) => r.name === name);
    assert.ok(row, `${name} in tctop ps --json -a (rows: ${ps.map((r) => `${r.runtime}/${r.name}`).join(', ')})`);
    assert.equal(row.runtime, e.runtime);
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
  runtime: 'docker',
  steps: ['docker-run', 'docker-exec'],
  image: 'tctop-test/busybox:latest',
  initPid: () => Number(ok('docker', ['inspect', '-f', '{{.State.Pid}}', NAMES.docker])),
  pids: () =>
    lines(ok('docker', ['top', NAMES.docker, '-o', 'pid']))
      .slice(1)
      .map(Number),
  extra: 'sleep 1001',
});

// podman top's pid/hpid descriptors give both sides of the mapping: they must match tctop's pairs exactly.
test('discovery podman: inspect pairs (container PID, host PID) = podman top … pid hpid', () => {
  setupOk('podman-exec');
  const c = tctopViews().inspect.get(NAMES.podman);
  assert.ok(c, `${NAMES.podman} in tctop inspect --json`);
  const pairs = lines(ok('podman', ['top', NAMES.podman, 'pid', 'hpid']))
    .slice(1)
    .map((l) => l.trim().split(/\s+/).map(Number).join(':'));
  assert.deepEqual(c.processes.map((p) => `${p.containerPid}:${p.hostPid}`).sort(), pairs.sort());
});
check({
  runtime: 'podman',
  steps: ['podman-run', 'podman-exec'],
  image: 'localhost/tctop-test/busybox:latest',
  initPid: () => Number(ok('podman', ['inspect', '-f', '{{.State.Pid}}', NAMES.podman])),
  pids: () =>
    lines(ok('podman', ['top', NAMES.podman, 'hpid']))
      .slice(1)
      .map(Number),
  extra: 'sleep 1002',
  // crun under systemd runs the payload in a `container` child of libpod-<id>.scope; podman's limits are on the
  // scope (crun repeats them on the child), so the scope is the container's cgroup, as cAdvisor reports it
  cgroupOf: (own) => {
    assert.match(own, /^\/machine\.slice\/libpod-[0-9a-f]{64}\.scope\/container$/);
    return own.replace(/\/container$/, '');
  },
});

check({
  runtime: 'containerd',
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
  extra: 'sleep 1003',
});

// machinectl status draws the machine's cgroup tree with every PID; the systemd-nspawn supervisor in it is the
// shim, not a container process.
check({
  runtime: 'nspawn',
  steps: ['nspawn-run', 'nspawn-registered'],
  image: '/var/lib/machines/vm-nspawn',
  initPid: () => Number(ok('machinectl', ['show', NAMES.nspawn, '-p', 'Leader', '--value'])),
  pids: () =>
    lines(ok('machinectl', ['status', '--no-pager', '-l', NAMES.nspawn]))
      .map((l) => /^[\s│├└─]*(\d+) (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && !/^\S*systemd-nspawn /.test(m[2]))
      .map((m) => Number(m[1])),
  extra: 'sleep 1004',
});

// lxc-info names the init; the payload cgroup LXC made (lxc.payload.<name>) holds the rest, lxc-attach'd
// processes in its .lxc child.
check({
  runtime: 'lxc',
  steps: ['lxc-run', 'lxc-running'],
  image: '/var/lib/lxc/vm-lxc/rootfs',
  initPid: () => Number(ok('lxc-info', ['-n', NAMES.lxc, '-p', '-H'])),
  pids: (c) => cgroupProcsBelow(c.cgroup?.path ?? '/nonexistent'),
  extra: '/bin/sleep 1005',
});

// tctop's own engine: its state file names the init, its cgroup (/tctop/<id>) the rest.
check({
  runtime: 'tctop',
  steps: ['own-run'],
  image: 'busybox:latest',
  initPid: () => {
    const c = tctopViews().inspect.get(NAMES.tctop);
    return JSON.parse(readFileSync(`/var/lib/tctop/containers/${c?.id}/state.json`, 'utf8')).pid;
  },
  pids: (c) => cgroupProcsBelow(`/tctop/${c.id}`),
  extra: 'sleep 1006',
});
