// A fake host on disk: <root>/proc, <root>/sys/fs/cgroup and runtime state files, in the kernel's and the
// runtimes' real formats, for layouts this machine cannot run (cgroup v2, Kubernetes, CRI-O, podman ...).
// `new FixtureHost(t, { cgroup: 'v2' })`, then `process(...)`, `cgroupFiles(...)`, `json(...)`, and `build()`,
// which writes what depends on everything else (cgroup.procs, /proc/loadavg) and returns the root for scanHost.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import type { NamespaceSet, NamespaceType } from '../../src/snapshot/model.js';

/** The initial namespaces' inodes: fixed by the kernel (PROC_*_INIT_INO) except mnt and net, taken from a real host. */
export const HOST_NS: Required<NamespaceSet> = {
  cgroup: 4026531835,
  ipc: 4026531839,
  mnt: 4026531832,
  net: 4026531833,
  pid: 4026531836,
  time: 4026531834,
  user: 4026531837,
  uts: 4026531838,
};

export type CgroupLayoutKind = 'v2' | 'v1' | 'hybrid';

/**
 * v1 mounts as Debian/Ubuntu systemd makes them: combined cpu,cpuacct and net_cls,net_prio directories with
 * per-controller symlinks beside them, and the named systemd hierarchy. Hierarchy IDs as /proc/<pid>/cgroup lists them.
 */
const V1_MOUNTS: Array<{ id: number; dir: string; line: string; links?: string[] }> = [
  { id: 12, dir: 'cpuset', line: 'cpuset' },
  { id: 11, dir: 'pids', line: 'pids' },
  { id: 10, dir: 'blkio', line: 'blkio' },
  { id: 9, dir: 'memory', line: 'memory' },
  { id: 8, dir: 'devices', line: 'devices' },
  { id: 7, dir: 'freezer', line: 'freezer' },
  { id: 6, dir: 'cpu,cpuacct', line: 'cpu,cpuacct', links: ['cpu', 'cpuacct'] },
  { id: 5, dir: 'net_cls,net_prio', line: 'net_cls,net_prio', links: ['net_cls', 'net_prio'] },
  { id: 4, dir: 'hugetlb', line: 'hugetlb' },
  { id: 3, dir: 'perf_event', line: 'perf_event' },
  { id: 1, dir: 'systemd', line: 'name=systemd' },
];

/** v1 mounts as on this machine (Debian 12 with systemd.unified_cgroup_hierarchy=0): one directory per controller. */
const V1_MOUNTS_SEPARATE: typeof V1_MOUNTS = [
  { id: 9, dir: 'systemd', line: 'name=systemd' },
  { id: 8, dir: 'pids', line: 'pids' },
  { id: 7, dir: 'blkio', line: 'blkio' },
  { id: 6, dir: 'freezer', line: 'freezer' },
  { id: 5, dir: 'devices', line: 'devices' },
  { id: 4, dir: 'memory', line: 'memory' },
  { id: 3, dir: 'cpuset', line: 'cpuset' },
  { id: 2, dir: 'cpuacct', line: 'cpuacct' },
  { id: 1, dir: 'cpu', line: 'cpu' },
];

export interface FixtureProcess {
  pid: number;
  ppid: number;
  /** As the kernel keeps it: cut to 15 bytes. A Buffer carries raw (invalid UTF-8, escape) bytes. */
  comm: string | Buffer;
  /** argv; [] for a kernel thread. */
  args?: string[];
  /** Raw /proc/<pid>/cmdline bytes, overriding args. */
  cmdline?: Buffer;
  /** A cgroup path (expanded to every hierarchy of the layout), or the literal /proc/<pid>/cgroup text. */
  cgroup?: string;
  /** Namespaces that differ from the host's; null: no ns links at all (unreadable, as PID 1 here). */
  ns?: Partial<NamespaceSet> | null;
  /** NSpid chain, outermost first; default [pid]. */
  nspid?: number[];
  uid?: number;
  state?: string;
  startTicks?: number;
  utime?: number;
  stime?: number;
  threads?: number;
  rssPages?: number;
  /** Target of /proc/<pid>/cwd (a shim's cwd is its bundle). */
  cwd?: string;
  /** /proc/<pid>/net/dev contents. */
  netDev?: string;
  /** Files that are gone (a process exiting mid-scan: its directory lingers with some files unreadable). */
  missing?: Array<'stat' | 'status' | 'cmdline' | 'cgroup'>;
  /** Listed in its cgroup's cgroup.procs (default true). */
  inCgroupProcs?: boolean;
}

export interface HostOptions {
  cgroup: CgroupLayoutKind;
  hostname?: string;
  /** Add PID 1 (systemd) and PID 2 (kthreadd) in the host namespaces (default true). */
  systemProcesses?: boolean;
  /** PID 1's ns links are unreadable (EACCES on this machine; absent here, which readlink treats alike). */
  pid1NsUnreadable?: boolean;
  /** v1 directories: Debian/Ubuntu's combined cpu,cpuacct (default) or one per controller, as on this machine. */
  v1Mounts?: 'combined' | 'separate';
}

/** loopback plus one interface, in /proc/net/dev's layout. */
export function netDev(
  ifaces: Array<{ name: string; rx: [number, number, number, number]; tx: [number, number, number, number] }>,
): string {
  const head =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  const rows = ifaces.map(({ name, rx, tx }) => {
    const r = [rx[0], rx[1], rx[2], rx[3], 0, 0, 0, 0];
    const t = [tx[0], tx[1], tx[2], tx[3], 0, 0, 0, 0];
    return `${name.padStart(6)}: ${[...r, ...t].map((n) => String(n).padStart(8)).join(' ')}`;
  });
  return head + rows.join('\n') + '\n';
}

const FIXTURE_DATA = new URL('../../../test/fixtures/hosts/', import.meta.url);

/** A checked-in capture: test/fixtures/hosts/<rel>. */
export function fixtureText(rel: string): string {
  return readFileSync(new URL(rel, FIXTURE_DATA), 'utf8');
}

/** Every file of a checked-in cgroup directory capture (name -> contents). */
export function fixtureDir(rel: string): Record<string, string> {
  const dir = new URL(rel.endsWith('/') ? rel : `${rel}/`, FIXTURE_DATA);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((n) => !n.startsWith('README'))
      .map((n) => [n, readFileSync(new URL(n, dir), 'utf8')]),
  );
}

export class FixtureHost {
  readonly root: string;
  readonly layout: CgroupLayoutKind;
  private readonly processes: FixtureProcess[] = [];
  private readonly v1Mounts: typeof V1_MOUNTS;
  /** cgroup.procs files written so far (emptied when their last member exits). */
  private readonly procsFiles = new Set<string>();

  constructor(
    t: TestContext | { after(fn: () => void): void },
    readonly options: HostOptions,
  ) {
    this.root = mkdtempSync(join(tmpdir(), 'tctop-fixture-host-'));
    t.after(() => rmSync(this.root, { recursive: true, force: true }));
    this.layout = options.cgroup;
    this.v1Mounts = options.v1Mounts === 'separate' ? V1_MOUNTS_SEPARATE : V1_MOUNTS;
    this.hostFiles();
    this.cgroupRoot();
    if (options.systemProcesses !== false) {
      this.process({
        pid: 1,
        ppid: 0,
        comm: 'systemd',
        args: ['/sbin/init'],
        cgroup: '/init.scope',
        startTicks: 2,
        ns: options.pid1NsUnreadable ? null : {},
      });
      this.process({ pid: 2, ppid: 0, comm: 'kthreadd', args: [], cgroup: '/', startTicks: 2 });
    }
  }

  /** Absolute host path -> path under the fixture root. */
  path(absolute: string): string {
    return join(this.root, absolute);
  }

  file(absolute: string, content: string | Buffer): this {
    const p = this.path(absolute);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return this;
  }

  json(absolute: string, value: unknown): this {
    return this.file(absolute, JSON.stringify(value, null, 2));
  }

  process(p: FixtureProcess): this {
    this.processes.push(p);
    const dir = this.path(`/proc/${p.pid}`);
    mkdirSync(join(dir, 'ns'), { recursive: true });
    const missing = new Set(p.missing ?? []);
    const comm = (typeof p.comm === 'string' ? Buffer.from(p.comm) : p.comm).subarray(0, 15);
    if (!missing.has('stat')) writeFileSync(join(dir, 'stat'), this.statLine(p, comm));
    if (!missing.has('status')) writeFileSync(join(dir, 'status'), this.statusText(p, comm));
    if (!missing.has('cmdline')) {
      const args = p.args ?? [comm.toString('latin1')];
      writeFileSync(join(dir, 'cmdline'), p.cmdline ?? (args.length ? Buffer.from(args.join('\0') + '\0') : Buffer.alloc(0)));
    }
    if (!missing.has('cgroup')) writeFileSync(join(dir, 'cgroup'), this.cgroupText(p.cgroup ?? '/'));
    writeFileSync(join(dir, 'comm'), Buffer.concat([comm, Buffer.from('\n')]));
    if (p.ns !== null) {
      const ns = { ...HOST_NS, ...p.ns };
      for (const type of Object.keys(ns) as NamespaceType[]) {
        symlinkSync(`${type}:[${ns[type]}]`, join(dir, 'ns', type));
        if (type === 'pid' || type === 'time') symlinkSync(`${type}:[${ns[type]}]`, join(dir, 'ns', `${type}_for_children`));
      }
    }
    if (p.cwd) symlinkSync(p.cwd, join(dir, 'cwd'));
    if (p.netDev !== undefined) {
      mkdirSync(join(dir, 'net'), { recursive: true });
      writeFileSync(join(dir, 'net', 'dev'), p.netDev);
    }
    return this;
  }

  /** Docker's containerd-shim of container `id` (ppid 1, in containerd.service unless `more` says otherwise). */
  dockerShim(pid: number, id: string, more: Partial<FixtureProcess> = {}): this {
    return this.process({
      pid,
      ppid: 1,
      comm: 'containerd-shim',
      args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', id, '-address', '/run/containerd/containerd.sock'],
      cgroup: '/system.slice/containerd.service',
      ...more,
    });
  }

  /**
   * The process runs execve: the same PID and start time with another comm and command line, its files rewritten in
   * place (a reader that keeps /proc/<pid>/stat open sees the change, as on a real kernel).
   */
  execve(pid: number, comm: string, args: string[]): this {
    const i = this.processes.findIndex((p) => p.pid === pid);
    if (i < 0) throw new Error(`no fixture process ${pid}`);
    const p = { ...this.processes[i], comm, args, cmdline: undefined };
    this.processes[i] = p;
    const bytes = Buffer.from(comm).subarray(0, 15);
    const dir = `/proc/${pid}`;
    this.file(`${dir}/stat`, this.statLine(p, bytes));
    this.file(`${dir}/status`, this.statusText(p, bytes));
    this.file(`${dir}/cmdline`, Buffer.from(args.join('\0') + '\0'));
    this.file(`${dir}/comm`, Buffer.concat([bytes, Buffer.from('\n')]));
    return this;
  }

  /** The process exits: its /proc directory goes, and its cgroup.procs entries at the next build(). */
  exit(pid: number): this {
    const i = this.processes.findIndex((p) => p.pid === pid);
    if (i >= 0) this.processes.splice(i, 1);
    rmSync(this.path(`/proc/${pid}`), { recursive: true, force: true });
    return this;
  }

  /** Files of a cgroup directory: the unified hierarchy on v2, `mount` (a v1 controller dir) otherwise. */
  cgroupFiles(path: string, files: Record<string, string>, mount?: string): this {
    const base = mount ? join('/sys/fs/cgroup', mount) : this.layout === 'hybrid' ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';
    for (const [name, content] of Object.entries(files)) this.file(join(base, path, name), content);
    return this;
  }

  /** cgroup.procs of every cgroup from the processes' memberships, and /proc/loadavg's last PID. */
  build(): string {
    const procs = new Map<string, number[]>();
    const add = (dir: string, pid: number) => {
      const list = procs.get(dir) ?? [];
      list.push(pid);
      procs.set(dir, list);
    };
    for (const p of this.processes) {
      if (p.inCgroupProcs === false) continue;
      for (const line of this.cgroupText(p.cgroup ?? '/').split('\n')) {
        const m = /^(\d+):([^:]*):(.*)$/.exec(line);
        if (!m) continue;
        const [, id, ctrls, path] = m;
        const mount = id === '0' ? (this.layout === 'hybrid' ? 'unified' : '') : this.v1Mounts.find((v) => v.line === ctrls)?.dir;
        if (mount === undefined) continue;
        add(join('/sys/fs/cgroup', mount, path), p.pid);
      }
    }
    for (const dir of this.procsFiles) if (!procs.has(dir)) this.file(join(dir, 'cgroup.procs'), '');
    for (const [dir, pids] of procs) {
      this.procsFiles.add(dir);
      this.file(
        join(dir, 'cgroup.procs'),
        pids
          .sort((a, b) => a - b)
          .map((n) => `${n}\n`)
          .join(''),
      );
    }
    const lastPid = Math.max(...this.processes.map((p) => p.pid));
    this.file('/proc/loadavg', `0.52 0.58 0.59 2/${this.processes.length} ${lastPid}\n`);
    return this.root;
  }

  private hostFiles(): void {
    // real formats (captured on a 2-core Debian 12 host); btime 1700000000 = 2023-11-14T22:13:20Z
    this.file(
      '/proc/stat',
      'cpu  5234 0 2582 51987 237 0 44 11 0 0\ncpu0 2408 0 1092 26523 14 0 11 4 0 0\ncpu1 2826 0 1490 25463 222 0 33 6 0 0\nintr 0\nctxt 1843212\nbtime 1700000000\nprocesses 7012\nprocs_running 1\nprocs_blocked 0\n',
    );
    this.file(
      '/proc/meminfo',
      'MemTotal:       24684084 kB\nMemFree:        24007040 kB\nMemAvailable:   24238792 kB\nBuffers:            8396 kB\nCached:           404948 kB\n',
    );
    this.file('/proc/uptime', '302.55 519.87\n');
    this.file('/proc/sys/kernel/hostname', `${this.options.hostname ?? 'node-1'}\n`);
    this.file('/proc/sys/kernel/osrelease', '6.1.0-13-amd64\n');
    this.file('/proc/sys/kernel/pid_max', '4194304\n');
    this.file(
      '/etc/passwd',
      'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nsystemd-journal:x:999:999::/:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n',
    );
  }

  private cgroupRoot(): void {
    const base = '/sys/fs/cgroup';
    if (this.layout === 'v2') {
      this.file(`${base}/cgroup.controllers`, 'cpuset cpu io memory hugetlb pids rdma misc\n');
      this.file(`${base}/cgroup.subtree_control`, 'cpuset cpu io memory pids\n');
      return;
    }
    for (const m of this.v1Mounts) {
      mkdirSync(this.path(`${base}/${m.dir}`), { recursive: true });
      for (const l of m.links ?? []) symlinkSync(m.dir, this.path(`${base}/${l}`));
    }
    // the hybrid unified mount carries no controllers: its cgroup.controllers is empty
    if (this.layout === 'hybrid') this.file(`${base}/unified/cgroup.controllers`, '');
  }

  private cgroupText(cgroup: string): string {
    if (/^\d+:/.test(cgroup)) return cgroup.endsWith('\n') ? cgroup : cgroup + '\n';
    if (this.layout === 'v2') return `0::${cgroup}\n`;
    const lines = this.v1Mounts.map((m) => `${m.id}:${m.line}:${cgroup}`);
    if (this.layout === 'hybrid') lines.push(`0::${cgroup}`);
    return lines.join('\n') + '\n';
  }

  private statLine(p: FixtureProcess, comm: Buffer): Buffer {
    const f = new Array<number | string>(52).fill(0);
    f[2] = p.state ?? 'S';
    f[3] = p.ppid;
    f[4] = p.pid; // pgrp
    f[5] = p.pid; // session
    f[7] = -1; // tpgid
    f[8] = 4194560; // flags
    f[13] = p.utime ?? 0;
    f[14] = p.stime ?? 0;
    f[17] = 20; // priority
    f[19] = p.threads ?? 1;
    f[21] = p.startTicks ?? 1000 + p.pid;
    f[22] = 3133440; // vsize
    f[23] = p.rssPages ?? 413;
    f[24] = '18446744073709551615'; // rsslim
    const tail = f.slice(2).join(' ');
    return Buffer.concat([Buffer.from(`${p.pid} (`), comm, Buffer.from(`) ${tail}\n`)]);
  }

  private statusText(p: FixtureProcess, comm: Buffer): string {
    const nspid = (p.nspid ?? [p.pid]).join('\t');
    const uid = p.uid ?? 0;
    return [
      `Name:\t${comm.toString('latin1').replace(/\n/g, '\\n')}`,
      'Umask:\t0022',
      `State:\t${p.state ?? 'S'} (sleeping)`,
      `Tgid:\t${p.pid}`,
      'Ngid:\t0',
      `Pid:\t${p.pid}`,
      `PPid:\t${p.ppid}`,
      'TracerPid:\t0',
      `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      `Gid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      'FDSize:\t64',
      'Groups:\t ',
      `NStgid:\t${nspid}`,
      `NSpid:\t${nspid}`,
      `NSpgid:\t${nspid}`,
      `NSsid:\t${nspid}`,
      'Kthread:\t0',
      'VmRSS:\t    1652 kB',
      `Threads:\t${p.threads ?? 1}`,
      'Cpus_allowed_list:\t0-1',
      '',
    ].join('\n');
  }
}
