// The host scanner: /proc and the cgroup filesystems -> one HostSnapshot. Incremental across calls (incremental.ts):
// a PID seen before is only re-read for what changes (process-cache.ts), the cgroup tree is walked again only when
// processes came or went, and runtime metadata is re-read only when a container's init changes or its claim grows
// old (claim-cache.ts); a container none of whose tasks ran since the last scan is not read again, but for the
// files that tell so (quiet-containers.ts); a dashboard's or exporter's periodic full pass is made between scans by a
// native helper (aside-survey.ts). This file is the order of a scan; each step's state lives in its own module.
import { join } from 'node:path';
import { detectCgroupLayout, discoveryHierarchy, type CgroupLayout } from '../host/cgroupfs/layout.js';
import { hostPaths, type HostPaths } from '../host/paths.js';
import { readLastPid } from '../host/procfs/loadavg.js';
import { listPids } from '../host/procfs/process.js';
import { startHostSurvey } from '../host/procfs/host-survey.js';
import { readPidNamespacesAside, type PidnsSurvey } from '../host/procfs/pidns-aside.js';
import { takePrestartedSurvey } from '../host/procfs/pidns-prestart.js';
import { userResolver } from '../host/procfs/users.js';
import type { HostReader } from '../host/reader.js';
import { LISTING_DEPTH, readMembers } from '../discovery/cgroup-walk.js';
import type { DiscoveryContext } from '../discovery/types.js';
import { sortByText } from '../text/compare.js';
import { AsideSurveys, surveyStartDelay } from './aside-survey.js';
import { ClaimCache } from './claim-cache.js';
import { DescriptorCache } from './descriptor-cache.js';
import { addCgroupContainers, addNamespaceContainers, netnsOf, stoppedContainers, type Assembly } from './container-assembly.js';
import { learnHostNamespaces, PAGE_SIZE, readHostInfo } from './host-info.js';
import { PidTracker } from './incremental.js';
import type { Container, HostSnapshot, NamespaceSet, ScanNote } from './model.js';
import { ProcessCache } from './process-cache.js';
import { QuietContainers } from './quiet-containers.js';
import { ScanFiles } from './scan-files.js';
import type { ScanOptions } from './scan-options.js';
import { SpecPrefetch, specPrefetchPlan } from './spec-prefetch.js';

export type { ScanOptions } from './scan-options.js';

/** What one scan gathers on its way: the host's facts, and the processes and containers read so far. */
interface ScanPass extends Assembly {
  takenAt: number;
  t0: bigint;
  notes: ScanNote[];
  lastPid: number | undefined;
}

interface ScanStart {
  at: number;
  t0: bigint;
  notes: ScanNote[];
}

/** The host processes outside containers refreshed per scan while every one is read (more are refreshed in turn). */
const ALL_PROCESSES_PER_SCAN = 2000;

/** What a scanner sets up at its first scan: the cgroup layout, and the reader and caches that depend on it. */
interface Setup {
  layout: CgroupLayout;
  files: ScanFiles;
  reader: HostReader;
  tracker: PidTracker;
  processes: ProcessCache;
  descriptors?: DescriptorCache;
  /** Long-running scanners of every figure of every container only. */
  quiet?: QuietContainers;
  /** Long-running scanners that asked for it (fullPassAside). */
  aside?: AsideSurveys;
  /** Long-running scanners that asked for it (prefetchSpecs). */
  prefetch?: SpecPrefetch;
}

/** A full pass at least this often (ms): see ScanOptions.fullPassIntervalMs. */
const FULL_PASS_INTERVAL_MS = 10_000;

/** How long a quiet container's figures are reused at most before it is read whole again (quiet-containers.ts). */
const QUIET_MAX_AGE_MS = 10_000;

/**
 * The same for the quiet containers outside a consumer's focus (HostScanner.focus), when it names one. Their figures
 * are not shown, and those an order uses move with the signals read every scan (CPU time; memory and freezer every
 * UNFOCUSED_SIGNALS_MS): the age bounds only what changes unseen. At 1,000 containers 60 s made 16 full reads a
 * second, a tenth of the dashboard's CPU; 300 s makes 3.
 */
const UNFOCUSED_MAX_AGE_MS = 300_000;

/** How often the signals but the CPU one of the quiet containers outside a focus are read (quiet-containers.ts). */
const UNFOCUSED_SIGNALS_MS = 5000;

/** TCTOP_QUIET_MAX_AGE_MS, when it is a number of milliseconds (0: read every container whole every scan). */
function quietMaxAgeFromEnv(): number | undefined {
  const v = process.env.TCTOP_QUIET_MAX_AGE_MS;
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class HostScanner {
  readonly paths: HostPaths;
  private hostNs: NamespaceSet = {};
  private setup: Setup | undefined;
  private readonly claims: ClaimCache;
  private allProcesses: boolean;
  private scans = 0;
  private previousScanAt: number | undefined;
  private readonly specTtlMs: number;
  private focused: { ids: ReadonlySet<string> | undefined; everySignal: boolean } = { ids: undefined, everySignal: true };

  constructor(readonly options: ScanOptions = {}) {
    this.paths = hostPaths(options.root ?? '/');
    this.claims = new ClaimCache(options.claimTtlMs ?? 5000);
    this.specTtlMs = options.specTtlMs ?? 5000;
    this.allProcesses = options.allProcesses ?? false;
  }

  /** From the next scan on, read every host process too (or again only the containers'): see ScanOptions. */
  readAllProcesses(on: boolean): void {
    this.allProcesses = on;
  }

  /**
   * From the next scan on, the IDs of the containers the consumer shows (the dashboard's rows on screen and the one
   * opened), or undefined for none singled out: a quiet container outside the focus is read whole less often
   * (ScanOptions.unfocusedMaxAgeMs), one that joins it at the next scan; unless `everySignal` (an order by memory
   * or state needs every container's), its memory usage and frozen state are read every
   * ScanOptions.unfocusedSignalsMs, its CPU time every scan (quiet-containers.ts).
   */
  focus(ids: ReadonlySet<string> | undefined, everySignal = false): void {
    this.focused = { ids, everySignal };
    this.setup?.quiet?.setFocus(ids, everySignal);
  }

  scan(): HostSnapshot {
    const started = this.start();
    const s = this.setUpOnce();
    try {
      const pass = this.beginPass(started);
      const quiet = s.quiet;
      if (quiet) {
        quiet.beginScan(pass.takenAt);
        pass.quiet = quiet;
      }
      const touched = s.tracker.cgroups.touched;
      const scanNo = ++this.scans;
      const aside = s.aside?.take(scanNo);
      s.tracker.update(pass.hier, pass.lastPid, undefined, quiet && ((cg) => quiet.isQuiet(cg.path, touched.has(cg.path))), aside);
      const claimed = addCgroupContainers(pass, s.tracker.cgroups);
      addNamespaceContainers(pass, s.tracker.pids, s.tracker.cgroups, claimed);
      const pids = this.allProcesses ? listPids(s.reader.list(this.paths.proc)) : [];
      if (pids.length) s.processes.readAllInTurn(pids, pass.live, this.options.allProcessesPerScan ?? ALL_PROCESSES_PER_SCAN);
      const snapshot = this.finishPass(pass, pass.unbuilt.length > 0);
      const previousScanAt = this.previousScanAt;
      this.previousScanAt = pass.takenAt;
      this.surveyForNextScan(scanNo, pass, previousScanAt);
      s.prefetch?.schedule(specPrefetchPlan({ scanAt: pass.takenAt, previousScanAt, now: Date.now(), ttlMs: this.specTtlMs }));
      return snapshot;
    } finally {
      s.files.sweep(); // what this scan did not read belongs to processes and cgroups that are gone
    }
  }

  /** Give back the files kept open between scans (a later scan opens them again), and end a survey under way. */
  close(): void {
    this.setup?.prefetch?.cancel();
    this.setup?.files.close();
    this.setup?.aside?.close();
  }

  /** How many full passes made aside were started, taken and dropped (undefined without fullPassAside). */
  get asideCounts(): Readonly<AsideSurveys['counts']> | undefined {
    return this.setup?.aside?.counts;
  }

  /** Resolves once the full pass scheduled or made aside, if any, is in (tests, benchmarks). */
  asideSurveyIn(): Promise<void> {
    return this.setup?.aside?.whenIn() ?? Promise.resolve();
  }

  /** With fullPassAside: start the survey the next scan will take as its full pass, if it is expected to need one. */
  private surveyForNextScan(scanNo: number, pass: ScanPass, previousScanAt: number | undefined): void {
    const { aside, tracker } = this.setup!;
    if (!aside) return;
    const delay = surveyStartDelay({
      scanAt: pass.takenAt,
      previousScanAt,
      now: Date.now(),
      dueAt: tracker.lastFullPassAt + (this.options.fullPassIntervalMs ?? FULL_PASS_INTERVAL_MS),
      surveyMs: aside.lastSurveyMs,
    });
    const hier = pass.hier;
    aside.schedule(scanNo, delay, () => ({
      procDir: this.paths.proc,
      hostPidns: this.hostNs.pid,
      known: tracker.knownPids(),
      cgroups: hier && { dir: hier.dir, maxDepth: LISTING_DEPTH },
    }));
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
  async scanWithPidnsAside(
    survey: (hostPidns: number | undefined) => Promise<PidnsSurvey | null>,
    enough?: (found: Container[]) => boolean,
  ): Promise<HostSnapshot> {
    if (this.options.keepFilesOpen ?? true) throw new Error('scanWithPidnsAside is for one-shot scanners (keepFilesOpen: false)');
    const started = this.start();
    const pending = enough ? undefined : survey(this.hostNs.pid);
    const { tracker } = this.setUpOnce();
    const pass = this.beginPass(started);
    // a selection builds a few containers of many: only theirs have their members read (and, when the namespace
    // pass runs, the others', which it must leave out)
    tracker.walkCgroups(pass.hier, !this.options.select);
    const claimed = addCgroupContainers(pass, tracker.cgroups);
    if (enough?.([...pass.containers, ...stoppedContainers(pass, this.options.includeStopped)])) return this.finishPass(pass, true);
    for (const cg of tracker.cgroups.all) if (cg.unread) for (const pid of readMembers(pass.reader, cg)) claimed.add(pid);
    tracker.surveyed(await (pending ?? survey(this.hostNs.pid)), pass.lastPid);
    addNamespaceContainers(pass, tracker.pids, tracker.cgroups, claimed);
    return this.finishPass(pass, pass.unbuilt.length > 0);
  }

  /** A scan's start; the first one also learns the host's namespaces. */
  private start(): ScanStart {
    const started = { at: Date.now(), t0: process.hrtime.bigint(), notes: [] as ScanNote[] };
    if (!this.setup) this.hostNs = learnHostNamespaces(this.paths, started.notes);
    return started;
  }

  /** At the first scan: the cgroup layout, and the reader and caches that depend on it. */
  private setUpOnce(): Setup {
    if (this.setup) return this.setup;
    const layout = detectCgroupLayout(this.paths.cgroup);
    const o = this.options;
    const quietMaxAge = o.quietMaxAgeMs ?? quietMaxAgeFromEnv() ?? QUIET_MAX_AGE_MS;
    const quietOn = (o.keepFilesOpen ?? true) && (o.figures ?? 'all') === 'all' && !o.select && quietMaxAge > 0;
    // a quiet container's files are read once a max age: kept open that long (twice it: scans are late)
    const files = new ScanFiles(this.paths, layout, o.keepFilesOpen ?? true, this.specTtlMs, o.fdBudget, quietOn ? 2 * quietMaxAge : 0);
    const reader = files.reader;
    const tracker = new PidTracker(reader, this.hostNs.pid, this.options.fullPassIntervalMs ?? FULL_PASS_INTERVAL_MS, {
      forgetProcess: (pid) => processes.delete(pid),
      fullPassDone: () => files.prune(),
    });
    const ctx = { reader, pageSize: PAGE_SIZE, userName: userResolver(join(this.paths.root, 'etc/passwd')) };
    const processes = new ProcessCache(ctx, {
      vanished: (pid) => tracker.pids.forget(pid),
      reused: (pid) => files.forgetProcess(pid),
      dropped: (pid) => files.forgetProcessFiles(pid),
    });
    const descriptors = this.options.descriptors ? new DescriptorCache(reader) : undefined;
    const quiet = quietOn
      ? new QuietContainers(reader, quietMaxAge, o.unfocusedMaxAgeMs ?? UNFOCUSED_MAX_AGE_MS, o.unfocusedSignalsMs ?? UNFOCUSED_SIGNALS_MS)
      : undefined;
    quiet?.setFocus(this.focused.ids, this.focused.everySignal);
    const asideOn = (o.keepFilesOpen ?? true) && o.fullPassAside;
    const aside = asideOn ? new AsideSurveys((req) => startHostSurvey(req, o.pidnsHelper)) : undefined;
    const prefetchOn = (o.keepFilesOpen ?? true) && o.prefetchSpecs;
    const prefetch = prefetchOn ? new SpecPrefetch((by, deadline) => files.prefetchSpecs(by, deadline)) : undefined;
    return (this.setup = { layout, files, reader, tracker, processes, descriptors, quiet, aside, prefetch });
  }

  private beginPass({ at, t0, notes }: ScanStart): ScanPass {
    const { layout, reader, processes, descriptors } = this.setup!;
    reader.takeNotes(); // a scan that threw may have left some: they are not this scan's
    // the adapters read their runtimes' state files through the scan's reader (a denied one is its note); their own
    // notes are about what they read: JSON that does not parse
    const discovery: DiscoveryContext = {
      paths: this.paths,
      reader,
      memo: new Map(),
      note: (path, reason) => notes.push({ path, reason, kind: 'malformed' }),
    };
    const hier = discoveryHierarchy(layout);
    if (!hier) notes.push({ path: this.paths.cgroup, reason: 'no cgroup hierarchy found', kind: 'malformed' });
    const host = readHostInfo(reader, layout, this.hostNs);
    const lastPid = readLastPid(reader);
    return {
      takenAt: at,
      t0,
      notes,
      lastPid,
      reader,
      layout,
      hier,
      host,
      discovery,
      processes,
      descriptors,
      claims: this.claims,
      live: new Map(),
      containers: [],
      figures: this.options.figures ?? 'all',
      select: this.options.select,
      unbuilt: [],
    };
  }

  private finishPass(pass: ScanPass, partial = false): HostSnapshot {
    const { tracker, processes, reader } = this.setup!;
    const { containers, live } = pass;
    this.claims.prune();
    processes.keepOnly(live);
    this.setup!.descriptors?.keepOnly(live);

    const gone = pass.quiet?.endScan(containers.map(netnsOf));
    if (gone?.length) this.setup!.files.forgetCgroups(gone); // kept open while idle: their cgroups are gone now
    containers.push(...stoppedContainers(pass, this.options.includeStopped));
    sortByText(
      containers,
      (c) => c.runtime,
      (c) => c.name,
      (c) => c.id,
    );
    pass.notes.push(...reader.takeNotes());

    return {
      takenAt: pass.takenAt,
      monotonic: Number(pass.t0) / 1e9,
      host: pass.host,
      containers,
      processes: live,
      hostProcessCount: tracker.hostProcessCount,
      scanDurationSeconds: Number(process.hrtime.bigint() - pass.t0) / 1e9,
      notes: pass.notes,
      ...(partial ? { partial: true as const } : {}),
    };
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
  const survey = (hostPidns: number | undefined) =>
    (helper ? undefined : takePrestartedSurvey(scanner.paths.proc, hostPidns)) ??
    readPidNamespacesAside(scanner.paths.proc, hostPidns, helper);
  return scanner.scanWithPidnsAside(survey, enough);
}
