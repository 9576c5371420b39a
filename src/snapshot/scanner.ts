// The host scanner: /proc and the cgroup filesystems -> one HostSnapshot. Incremental across calls: a PID seen
// before is only re-read for what changes (stat), the cgroup tree is walked again only when processes came or
// went, and runtime metadata is re-read only when a container's init changes or its claim grows old.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroupLayout, discoveryHierarchy, statsVersion, type CgroupLayout } from '../host/cgroupfs/layout.js';
import { SpecCache } from '../host/cgroupfs/spec-cache.js';
import { defaultMaxOpen, isCgroup2Fs, isKernelFs, OpenFiles, withOpenFiles } from '../host/open-files.js';
import { hostPaths, type HostPaths } from '../host/paths.js';
import { readProcHostFacts } from '../host/procfs/host.js';
import { cgroupPathFor, parseProcCgroup } from '../host/procfs/cgroup.js';
import { readLastPid } from '../host/procfs/loadavg.js';
import { readNamespace } from '../host/procfs/namespaces.js';
import { listPids, readProcess, refreshProcess, type ProcessReadContext } from '../host/procfs/process.js';
import { userResolver } from '../host/procfs/users.js';
import { listDir, readText } from '../host/read.js';
import { collectPids, containerCgroupOf, findContainerCgroups, type ContainerCgroup } from '../discovery/cgroup-walk.js';
import { groupProcesses } from '../discovery/grouping.js';
import { readHostNamespaces } from '../discovery/host-namespaces.js';
import { ADAPTERS } from '../discovery/adapters/index.js';
import type { Claim, DiscoveryContext } from '../discovery/types.js';
import { buildContainer, claimGroup } from './container-builder.js';
import type { Container, HostInfo, HostSnapshot, NamespaceSet, ProcessInfo, ScanNote } from './model.js';
import { compareText } from '../text/compare.js';

export interface ScanOptions {
  /** Root the host is read under: '/' normally, a fixture tree in tests, '/host' in a DaemonSet. */
  root?: string;
  /** Also list containers that exist in runtime state but run no process (ps -a, inspect). */
  includeStopped?: boolean;
  /** How long a runtime's metadata claim is trusted before it is read again (ms). */
  claimTtlMs?: number;
  /**
   * Between full passes (a readdir of /proc and a cgroup tree walk) a scan probes only the PIDs allocated since
   * the last scan. Exited host processes are forgotten at the next full pass (ms).
   */
  fullPassIntervalMs?: number;
  /** How long cgroup limit and setting files are trusted before they are read again (ms). */
  specTtlMs?: number;
  /**
   * Keep the procfs/cgroupfs files read every scan open between scans (default true). One-shot callers need not
   * say so: scanHost closes them.
   */
  keepFilesOpen?: boolean;
}

/** Linux reports stat times in USER_HZ, 100 on every architecture Linux runs containers on. */
const CLOCK_TICKS = 100;
/** Past this many new PIDs since the last scan, one readdir of /proc is cheaper than probing each. */
const MAX_PROBED_PIDS = 2000;
const PAGE_SIZE = ['ppc64', 'ppc64le'].includes(process.arch) ? 65536 : 4096;

interface CachedClaim {
  claim: Claim | null;
  initPid: number;
  initStart: number;
  at: number;
}

export class HostScanner {
  readonly paths: HostPaths;
  private layout: CgroupLayout | undefined;
  private hostNs: NamespaceSet = {};
  private readonly ctx: ProcessReadContext;
  /** PID namespace inode of every PID seen; undefined when unreadable. */
  private pidns = new Map<number, number | undefined>();
  /** The PIDs of `pidns` outside the host's PID namespace: each scan looks at these, not at every host PID. */
  private foreign = new Map<number, number>();
  private processes = new Map<number, ProcessInfo>();
  private cgroups: ContainerCgroup[] | undefined;
  private claims = new Map<string, CachedClaim>();
  private specCache: SpecCache;
  /** Last PID allocated on the host at the previous scan (from /proc/loadavg). */
  private lastPid: number | undefined;
  private lastFullPass = 0;
  /** New PIDs of the last incremental pass that were in no container cgroup yet. */
  private youngPids: number[] = [];
  /** Processes on the host as counted by the last full pass. */
  private hostProcessCount = 0;
  /** The per-scan files (stat, cgroup usage) held open between scans; set up with the layout. */
  private files: OpenFiles | undefined;

  constructor(readonly options: ScanOptions = {}) {
    this.paths = hostPaths(options.root ?? '/');
    this.specCache = new SpecCache(options.specTtlMs ?? 5000);
    this.ctx = { procDir: this.paths.proc, pageSize: PAGE_SIZE, userName: userResolver(join(this.paths.root, 'etc/passwd')) };
  }

  scan(): HostSnapshot {
    const takenAt = Date.now();
    const t0 = process.hrtime.bigint();
    const notes: ScanNote[] = [];
    if (!this.layout) this.firstScanSetup(notes);
    return withOpenFiles(this.files, () => {
      try {
        return this.scanWithLayout(takenAt, t0, notes);
      } finally {
        this.files?.sweep(); // what this scan did not read belongs to processes and cgroups that are gone
      }
    });
  }

  /** Give back the files kept open between scans (a later scan opens them again). */
  close(): void {
    this.files?.close();
    this.specCache.close();
  }

  private scanWithLayout(takenAt: number, t0: bigint, notes: ScanNote[]): HostSnapshot {
    const discovery: DiscoveryContext = { paths: this.paths, memo: new Map(), note: (path, reason) => notes.push({ path, reason }) };
    const layout = this.layout!;
    const facts = readProcHostFacts(this.paths.proc);

    const hier = discoveryHierarchy(layout);
    if (!hier) notes.push({ path: this.paths.cgroup, reason: 'no cgroup hierarchy found' });
    const lastPid = readLastPid(this.paths.proc);
    if (this.needsFullPass(lastPid)) this.fullPass(hier);
    else this.incrementalPass(hier, lastPid!);
    this.lastPid = lastPid;

    const wanted = new Set<number>();
    for (const cg of this.cgroups ?? []) for (const p of cg.pids) wanted.add(p);
    const nsCandidates: Array<{ pid: number; pidns: number }> = [];
    for (const [pid, ns] of this.foreign) {
      wanted.add(pid);
      nsCandidates.push({ pid, pidns: ns });
    }
    const live = this.readProcesses(wanted);
    const groups = groupProcesses(this.cgroups ?? [], (pid) => live.get(pid), nsCandidates);

    const host: HostInfo = {
      hostname: facts.hostname,
      kernel: facts.kernel,
      cpuCores: facts.cpuCores,
      memoryBytes: facts.memoryBytes,
      bootTimeSeconds: facts.bootTimeSeconds,
      clockTicks: CLOCK_TICKS,
      pageSize: PAGE_SIZE,
      cgroupVersion: layout.version,
      hostNamespaces: this.hostNs,
      cpuTotalTicks: facts.cpuTotalTicks,
      cpuIdleTicks: facts.cpuIdleTicks,
      memAvailableBytes: facts.memAvailableBytes,
    };

    const containers: Container[] = [];
    const liveClaims = new Set<string>();
    for (const g of groups) {
      const parent = g.init.ppid > 0 ? this.readOne(g.init.ppid, live) : undefined;
      const claim = this.cachedClaim(g.key, g.init, () => claimGroup(g, parent, discovery, ADAPTERS));
      liveClaims.add(g.key);
      containers.push(buildContainer({ group: g, parent, claim, host, layout, statsVersion: statsVersion(layout), paths: this.paths, live, readSpec: this.specCache.read }));
    }
    for (const key of this.claims.keys()) if (!liveClaims.has(key)) this.claims.delete(key);
    // the process cache keeps exactly what this scan used (members and shims)
    for (const pid of this.processes.keys()) if (!live.has(pid)) this.processes.delete(pid);

    if (this.options.includeStopped) {
      const running = new Set(containers.map((c) => c.id));
      for (const a of ADAPTERS) if (a.listStopped) containers.push(...a.listStopped(discovery, running));
    }
    containers.sort((a, b) => compareText(a.runtime, b.runtime) || compareText(a.name, b.name) || compareText(a.id, b.id));

    return {
      takenAt,
      monotonic: Number(t0) / 1e9,
      host,
      containers,
      processes: live,
      hostProcessCount: this.hostProcessCount,
      scanDurationSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
      notes,
    };
  }

  private firstScanSetup(notes: ScanNote[]): void {
    this.layout = detectCgroupLayout(this.paths.cgroup);
    if (this.options.keepFilesOpen ?? true) {
      const kernelDirs = (dirs: string[]) => dirs.filter(isKernelFs).map((d) => (d.endsWith('/') ? d : `${d}/`));
      const cgroupDirs = kernelDirs([...this.layout.v1.values(), ...(this.layout.unified ? [this.layout.unified] : [])]);
      // one descriptor budget for both sets: usage files and stat (read every scan) get most of it
      const budget = defaultMaxOpen();
      const cgroup2Dirs = cgroupDirs.filter(isCgroup2Fs);
      this.files = new OpenFiles([...kernelDirs([this.paths.proc]), ...cgroupDirs], budget - Math.floor(budget / 4), cgroup2Dirs);
      // limit files are read every few seconds, not every scan: their own set, closed as their cache entries expire
      this.specCache = new SpecCache(this.options.specTtlMs ?? 5000, new OpenFiles(cgroupDirs, Math.floor(budget / 4)));
    }
    const host = readHostNamespaces(this.paths.proc);
    this.hostNs = host.namespaces;
    if (host.fromPid !== 1) notes.push({ path: join(this.paths.proc, '1/ns'), reason: host.fromPid === 2 ? 'unreadable; host namespaces taken from PID 2 (kthreadd)' : 'host namespaces unreadable' });
  }

  private needsFullPass(lastPid: number | undefined): boolean {
    const interval = this.options.fullPassIntervalMs ?? 10_000;
    if (lastPid === undefined || this.lastPid === undefined || !this.cgroups) return true;
    if (Date.now() - this.lastFullPass >= interval) return true;
    // PIDs wrapped around pid_max, or so many were created that a readdir is cheaper than probing each
    return lastPid < this.lastPid || lastPid - this.lastPid > MAX_PROBED_PIDS;
  }

  private fullPass(hier: { dir: string } | undefined): void {
    const pids = listPids(listDir(this.paths.proc));
    this.hostProcessCount = pids.length;
    const changed = this.trackPids(pids);
    if (hier && (changed || !this.cgroups)) this.cgroups = findContainerCgroups(hier.dir);
    else this.refreshCgroupMembers(hier);
    this.lastFullPass = Date.now();
    this.youngPids = [];
    this.specCache.prune();
  }

  /** Only the PIDs created since the last scan: their namespace, and whether they opened a new container cgroup. */
  private incrementalPass(hier: { dir: string; controller?: string } | undefined, lastPid: number): void {
    // a runtime creates its container's first process in its own cgroup and moves it a moment later: PIDs that were
    // in no container cgroup at the last scan are looked at once more
    const recheck = this.youngPids;
    this.youngPids = [];
    for (const pid of recheck) this.noteContainerCgroup(pid, hier, false);
    for (let pid = this.lastPid! + 1; pid <= lastPid; pid++) {
      if (this.pidns.has(pid)) continue;
      const ns = readNamespace(this.paths.proc, pid, 'pid');
      if (ns === undefined) continue; // already gone, or a thread ID (not a process)
      this.notePidns(pid, ns);
      this.noteContainerCgroup(pid, hier, true);
    }
    this.refreshCgroupMembers(hier);
  }

  /** Adds the container cgroup a new PID is in, if any; remembers it for one more look if it is in none. */
  private noteContainerCgroup(pid: number, hier: { controller?: string } | undefined, lookAgain: boolean): void {
    const memberships = readText(join(this.paths.proc, String(pid), 'cgroup'));
    if (memberships === null) return;
    const path = cgroupPathFor(parseProcCgroup(memberships), hier?.controller);
    const container = path ? containerCgroupOf(path) : undefined;
    if (!container) {
      if (lookAgain) this.youngPids.push(pid);
      return;
    }
    if (!this.cgroups!.some((c) => c.path === container.path)) this.cgroups!.push({ ...container, pids: [], nested: container.hint.runtime === 'lxc' });
  }

  private refreshCgroupMembers(hier: { dir: string } | undefined): void {
    if (!hier || !this.cgroups) return;
    for (const cg of this.cgroups) {
      const pids: number[] = [];
      collectPids(join(hier.dir, cg.path), pids, cg.nested);
      cg.pids = pids;
    }
    this.cgroups = this.cgroups.filter((cg) => cg.pids.length > 0 || existsSync(join(hier.dir, cg.path)));
  }

  /** Learn the PID namespace of new PIDs, forget vanished ones; true when the set of PIDs changed. */
  private trackPids(pids: number[]): boolean {
    const seen = new Set(pids);
    let changed = false;
    for (const pid of this.pidns.keys()) {
      if (!seen.has(pid)) {
        this.forgetPid(pid);
        this.processes.delete(pid);
        changed = true;
      }
    }
    for (const pid of pids) {
      if (!this.pidns.has(pid)) {
        this.notePidns(pid, readNamespace(this.paths.proc, pid, 'pid'));
        changed = true;
      }
    }
    return changed;
  }

  private notePidns(pid: number, ns: number | undefined): void {
    this.pidns.set(pid, ns);
    const host = this.hostNs.pid;
    if (ns !== undefined && host !== undefined && ns !== host) this.foreign.set(pid, ns);
  }

  private forgetPid(pid: number): void {
    this.pidns.delete(pid);
    this.foreign.delete(pid);
  }

  private readProcesses(wanted: Set<number>): Map<number, ProcessInfo> {
    const live = new Map<number, ProcessInfo>();
    for (const pid of wanted) {
      const p = this.readOne(pid, live);
      if (p) live.set(pid, p);
    }
    return live;
  }

  /** A process from this scan, the cache (refreshed), or read whole. */
  private readOne(pid: number, live: Map<number, ProcessInfo>): ProcessInfo | undefined {
    const already = live.get(pid);
    if (already) return already;
    const known = this.processes.get(pid);
    let p: ProcessInfo | null = null;
    if (known) {
      const r = refreshProcess(this.ctx, known);
      // a reused PID: files kept open for the old process (its net/dev pins its network namespace) must go
      if (r === 'reused') this.files?.forgetUnder(join(this.paths.proc, String(pid)));
      p = r === 'reused' ? readProcess(this.ctx, pid) : r;
    } else {
      p = readProcess(this.ctx, pid);
    }
    if (!p) {
      this.processes.delete(pid);
      this.forgetPid(pid);
      return undefined;
    }
    this.processes.set(pid, p);
    live.set(pid, p);
    return p;
  }

  private cachedClaim(key: string, init: ProcessInfo, make: () => Claim | null): Claim | null {
    const ttl = this.options.claimTtlMs ?? 5000;
    const c = this.claims.get(key);
    const now = Date.now();
    if (c && c.initPid === init.hostPid && c.initStart === init.startTicks && now - c.at < ttl) return c.claim;
    const claim = make();
    this.claims.set(key, { claim, initPid: init.hostPid, initStart: init.startTicks, at: now });
    return claim;
  }
}

/** One scan, for one-shot commands. */
export function scanHost(options: ScanOptions = {}): HostSnapshot {
  return new HostScanner({ keepFilesOpen: false, ...options }).scan();
}
