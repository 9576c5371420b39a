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
import { readPidNamespacesAside, type PidnsSurvey } from '../host/procfs/pidns-aside.js';
import { takePrestartedSurvey } from '../host/procfs/pidns-prestart.js';
import { listPids, readProcess, refreshProcess, type ProcessReadContext } from '../host/procfs/process.js';
import { userResolver } from '../host/procfs/users.js';
import { listDir, readText } from '../host/read.js';
import { collectPids, containerCgroupOf, findContainerCgroups, type ContainerCgroup } from '../discovery/cgroup-walk.js';
import { cgroupGroups, namespaceGroups, type ProcessGroup } from '../discovery/grouping.js';
import { readHostNamespaces } from '../discovery/host-namespaces.js';
import { ADAPTERS } from '../discovery/adapters/index.js';
import { stoppedContainer } from './stopped-container.js';
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

/** What one scan gathers on its way: the host's facts, and the processes and containers read so far. */
interface ScanPass {
  takenAt: number;
  t0: bigint;
  notes: ScanNote[];
  discovery: DiscoveryContext;
  layout: CgroupLayout;
  host: HostInfo;
  hier: { dir: string; controller?: string } | undefined;
  lastPid: number | undefined;
  live: Map<number, ProcessInfo>;
  containers: Container[];
  liveClaims: Set<string>;
  /** The runtimes' stopped containers, once listed. */
  stopped?: Container[];
}

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
    if (!this.layout) {
      this.learnHostNamespaces(notes);
      this.setUpLayout();
    }
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
    const pass = this.beginPass(takenAt, t0, notes);
    if (this.needsFullPass(pass.lastPid)) this.fullPass(pass.hier);
    else this.incrementalPass(pass.hier, pass.lastPid!);
    this.lastPid = pass.lastPid;
    const claimed = this.addCgroupContainers(pass);
    this.addNamespaceContainers(pass, claimed);
    return this.finishPass(pass);
  }

  /**
   * A full scan whose PID-namespace pass (a readlink per host PID) is surveyed elsewhere meanwhile (`survey`, given
   * the host's PID namespace: readPidNamespacesAside): the container cgroups are read first, the namespace groups
   * once the survey is there. For one-shot scanners (keepFilesOpen: false); a null survey means: read them here.
   *
   * With `enough`, the survey is not started up front: `enough` first sees the containers the cgroup walk and the
   * runtimes' state found (stopped ones too, with includeStopped), and when it answers true the namespace pass,
   * which only adds sandboxes and nspawn machines outside container cgroups, is skipped (the snapshot is then
   * `partial`). Otherwise the survey runs then, and the scan completes as usual.
   */
  async scanWithPidnsAside(survey: (hostPidns: number | undefined) => Promise<PidnsSurvey | null>, enough?: (found: Container[]) => boolean): Promise<HostSnapshot> {
    if (this.options.keepFilesOpen ?? true) throw new Error('scanWithPidnsAside is for one-shot scanners (keepFilesOpen: false)');
    const takenAt = Date.now();
    const t0 = process.hrtime.bigint();
    const notes: ScanNote[] = [];
    if (!this.layout) this.learnHostNamespaces(notes);
    const pending = enough ? undefined : survey(this.hostNs.pid);
    if (!this.layout) this.setUpLayout();
    const pass = this.beginPass(takenAt, t0, notes);
    if (pass.hier) this.cgroups = findContainerCgroups(pass.hier.dir);
    const claimed = this.addCgroupContainers(pass);
    if (enough?.([...pass.containers, ...this.stoppedContainers(pass)])) return this.finishPass(pass, true);
    this.pidnsPass(await (pending ?? survey(this.hostNs.pid)));
    this.fullPassDone();
    this.lastPid = pass.lastPid;
    this.addNamespaceContainers(pass, claimed);
    return this.finishPass(pass);
  }

  private beginPass(takenAt: number, t0: bigint, notes: ScanNote[]): ScanPass {
    const discovery: DiscoveryContext = { paths: this.paths, memo: new Map(), note: (path, reason) => notes.push({ path, reason }) };
    const layout = this.layout!;
    const facts = readProcHostFacts(this.paths.proc);
    const hier = discoveryHierarchy(layout);
    if (!hier) notes.push({ path: this.paths.cgroup, reason: 'no cgroup hierarchy found' });
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
    return { takenAt, t0, notes, discovery, layout, host, hier, lastPid: readLastPid(this.paths.proc), live: new Map(), containers: [], liveClaims: new Set() };
  }

  /** The containers of the container cgroups; returns the PIDs they hold. */
  private addCgroupContainers(pass: ScanPass): Set<number> {
    const wanted = new Set<number>();
    for (const cg of this.cgroups ?? []) for (const p of cg.pids) wanted.add(p);
    this.readProcesses(wanted, pass.live);
    const { groups, claimed } = cgroupGroups(this.cgroups ?? [], (pid) => pass.live.get(pid));
    this.addContainers(pass, groups);
    return claimed;
  }

  /** Groups of processes in PID namespaces of their own that no container cgroup holds (nspawn, sandboxes). */
  private addNamespaceContainers(pass: ScanPass, claimed: Set<number>): void {
    // claimed PIDs are already in `live` (a map hit here); namespaceGroups leaves them out
    const candidates = [...this.foreign].map(([pid, pidns]) => ({ pid, pidns }));
    this.readProcesses(new Set(this.foreign.keys()), pass.live);
    // a process in a container cgroup the walk did not see belongs to a container born during this scan: the next
    // scan shows it whole, not as a sandbox now
    const known = new Set((this.cgroups ?? []).map((c) => c.path));
    const bornNow = (pid: number) => {
      const p = pass.live.get(pid);
      const path = p ? cgroupPathFor(p.cgroups, pass.hier?.controller) : undefined;
      const container = path ? containerCgroupOf(path) : undefined;
      return container !== undefined && !known.has(container.path);
    };
    const groups = namespaceGroups(
      candidates.filter((c) => !bornNow(c.pid)),
      (pid) => pass.live.get(pid),
      claimed,
    );
    this.addContainers(pass, groups);
  }

  private addContainers(pass: ScanPass, groups: ProcessGroup[]): void {
    for (const g of groups) {
      const parent = g.init.ppid > 0 ? this.readOne(g.init.ppid, pass.live) : undefined;
      const claim = this.cachedClaim(g.key, g.init, () => claimGroup(g, parent, pass.discovery, ADAPTERS));
      pass.liveClaims.add(g.key);
      pass.containers.push(
        buildContainer({ group: g, parent, claim, host: pass.host, layout: pass.layout, statsVersion: statsVersion(pass.layout), paths: this.paths, live: pass.live, readSpec: this.specCache.read }),
      );
    }
  }

  /** Containers in runtime state that run no process, when the options ask for them (computed once per pass). */
  private stoppedContainers(pass: ScanPass): Container[] {
    if (!this.options.includeStopped) return [];
    if (!pass.stopped) {
      const running = new Set(pass.containers.map((c) => c.id));
      pass.stopped = ADAPTERS.flatMap((a) => a.listStopped?.(pass.discovery, running) ?? []).map(stoppedContainer);
    }
    return pass.stopped;
  }

  private finishPass(pass: ScanPass, partial = false): HostSnapshot {
    const { containers, live } = pass;
    for (const key of this.claims.keys()) if (!pass.liveClaims.has(key)) this.claims.delete(key);
    // the process cache keeps exactly what this scan used (members and shims)
    for (const pid of this.processes.keys()) if (!live.has(pid)) this.processes.delete(pid);

    containers.push(...this.stoppedContainers(pass));
    containers.sort((a, b) => compareText(a.runtime, b.runtime) || compareText(a.name, b.name) || compareText(a.id, b.id));

    return {
      takenAt: pass.takenAt,
      monotonic: Number(pass.t0) / 1e9,
      host: pass.host,
      containers,
      processes: live,
      hostProcessCount: this.hostProcessCount,
      scanDurationSeconds: Number(process.hrtime.bigint() - pass.t0) / 1e9,
      notes: pass.notes,
      ...(partial ? { partial: true as const } : {}),
    };
  }

  private learnHostNamespaces(notes: ScanNote[]): void {
    const host = readHostNamespaces(this.paths.proc);
    this.hostNs = host.namespaces;
    if (host.fromPid !== 1) notes.push({ path: join(this.paths.proc, '1/ns'), reason: host.fromPid === 2 ? 'unreadable; host namespaces taken from PID 2 (kthreadd)' : 'host namespaces unreadable' });
  }

  private setUpLayout(): void {
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
  }

  private needsFullPass(lastPid: number | undefined): boolean {
    const interval = this.options.fullPassIntervalMs ?? 10_000;
    if (lastPid === undefined || this.lastPid === undefined || !this.cgroups) return true;
    if (Date.now() - this.lastFullPass >= interval) return true;
    // PIDs wrapped around pid_max, or so many were created that a readdir is cheaper than probing each
    return lastPid < this.lastPid || lastPid - this.lastPid > MAX_PROBED_PIDS;
  }

  private fullPass(hier: { dir: string } | undefined): void {
    const changed = this.pidnsPass(null);
    if (hier && (changed || !this.cgroups)) this.cgroups = findContainerCgroups(hier.dir);
    else this.refreshCgroupMembers(hier);
    this.fullPassDone();
  }

  /**
   * Every host PID and its PID namespace, read here; true when the set of PIDs changed. Or, from a survey made
   * aside, the processes outside the host's PID namespace alone (a one-shot scan keeps no PIDs for a next one).
   */
  private pidnsPass(survey: PidnsSurvey | null): boolean {
    if (survey) {
      this.hostProcessCount = survey.processCount;
      for (const [pid, ns] of survey.outsideHost) this.notePidns(pid, ns);
      return true;
    }
    const pids = listPids(listDir(this.paths.proc));
    this.hostProcessCount = pids.length;
    return this.trackPids(pids);
  }

  private fullPassDone(): void {
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
    let changed = false;
    // a first pass has nothing to forget (and one-shot scans need no Set of 5,000 PIDs to learn that)
    const seen = this.pidns.size ? new Set(pids) : new Set<number>();
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

  /** Reads `wanted` into `live` (what vanished is left out). */
  private readProcesses(wanted: Set<number>, live: Map<number, ProcessInfo>): void {
    for (const pid of wanted) this.readOne(pid, live);
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

/**
 * One scan, for one-shot commands, with the PID-namespace pass read aside by the native helper (on the other core),
 * the one the launcher started if it did (pidns-prestart.ts); with `enough`, that pass is skipped when the
 * containers found without it answer the caller (scanWithPidnsAside).
 */
export function scanHostAside(options: ScanOptions = {}, helper?: string, enough?: (found: Container[]) => boolean): Promise<HostSnapshot> {
  const scanner = new HostScanner({ ...options, keepFilesOpen: false });
  const survey = (hostPidns: number | undefined) => (helper ? undefined : takePrestartedSurvey(scanner.paths.proc, hostPidns)) ?? readPidNamespacesAside(scanner.paths.proc, hostPidns, helper);
  return scanner.scanWithPidnsAside(survey, enough);
}
