// Which PIDs and container cgroups a scan must look at. A full pass reads every host PID's PID namespace and walks
// the cgroup tree again when PIDs came or went; between full passes, /proc/loadavg's last-PID field says which PIDs
// were created since the last scan, and only those are probed. A runtime creates a container's first process in
// its own cgroup and moves it a moment later, so a new PID in no container cgroup is looked at once more ("young").
// A long-running scanner may have its periodic full pass made between scans (aside-survey.ts): the scan after it
// then takes that survey as its full pass and probes the PIDs created since the last scan as any other scan does.
import { join } from 'node:path';
import type { CgroupHierarchy } from '../host/cgroupfs/layout.js';
import { parseProcCgroup } from '../host/procfs/cgroup.js';
import { readNamespace } from '../host/procfs/namespaces.js';
import type { HostSurvey } from '../host/procfs/host-survey.js';
import type { PidnsSurvey } from '../host/procfs/pidns-aside.js';
import { listPids } from '../host/procfs/process.js';
import type { HostReader } from '../host/reader.js';
import { containerCgroupsListed, type ContainerCgroup } from '../discovery/cgroup-walk.js';
import { ContainerCgroups } from './container-cgroups.js';
import { PidIndex } from './pid-index.js';

/** Past this many new PIDs since the last scan, one readdir of /proc is cheaper than probing each. */
export const MAX_PROBED_PIDS = 2000;

/** What the cadence decides on: the last PID now and at the previous scan, and how long since the last full pass. */
export interface CadenceInput {
  lastPid: number | undefined;
  previousLastPid: number | undefined;
  cgroupsWalked: boolean;
  msSinceFullPass: number;
  fullPassIntervalMs: number;
}

export function needsFullPass(c: CadenceInput): boolean {
  if (c.lastPid === undefined || c.previousLastPid === undefined || !c.cgroupsWalked) return true;
  if (c.msSinceFullPass >= c.fullPassIntervalMs) return true;
  // PIDs wrapped around pid_max, or so many were created that a readdir is cheaper than probing each
  return c.lastPid < c.previousLastPid || c.lastPid - c.previousLastPid > MAX_PROBED_PIDS;
}

/** A full pass made aside since the last scan (aside-survey.ts), and when it was started. */
export interface AsidePass {
  survey: HostSurvey;
  at: number;
}

export interface TrackerHooks {
  /** A PID is gone from the host (the process cache drops it). */
  forgetProcess(pid: number): void;
  /** A full pass ended (the limit-file cache prunes itself). */
  fullPassDone(): void;
}

export class PidTracker {
  readonly pids: PidIndex;
  readonly cgroups = new ContainerCgroups();
  /** Processes on the host as counted by the last full pass. */
  hostProcessCount = 0;
  /** Last PID allocated on the host at the previous scan (from /proc/loadavg). */
  private lastPid: number | undefined;
  private lastFullPass = 0;
  /** New PIDs of the last incremental pass that were in no container cgroup yet. */
  private youngPids: number[] = [];

  constructor(
    private readonly r: HostReader,
    hostPidns: number | undefined,
    private readonly fullPassIntervalMs: number,
    private readonly hooks: TrackerHooks,
  ) {
    this.pids = new PidIndex(r, hostPidns);
  }

  /** When the last full pass was made (a survey aside: when it was started). */
  get lastFullPassAt(): number {
    return this.lastFullPass;
  }

  /** Every PID known, for a survey made aside (which reads no PID namespace twice). */
  knownPids(): Uint32Array {
    return this.pids.knownPids();
  }

  /**
   * Bring the PIDs and container cgroups up to date for a scan that read `lastPid`: a full pass, or the new PIDs.
   * The members of `still` cgroups are not read again (ContainerCgroups.refreshMembers). A full pass made `aside`
   * since the last scan is this scan's full pass when it is young enough to be one (its age under the interval) and
   * the PIDs neither wrapped nor were made in such numbers since the last scan that a pass here would be needed
   * anyway; those new PIDs are then probed as between full passes.
   */
  update(
    hier: CgroupHierarchy | undefined,
    lastPid: number | undefined,
    now = Date.now(),
    still?: (cg: ContainerCgroup) => boolean,
    aside?: AsidePass,
  ): 'full' | 'incremental' | 'aside' {
    this.cgroups.touched.clear();
    const cadence: CadenceInput = {
      lastPid,
      previousLastPid: this.lastPid,
      cgroupsWalked: this.cgroups.walked,
      msSinceFullPass: now - this.lastFullPass,
      fullPassIntervalMs: this.fullPassIntervalMs,
    };
    let pass: 'full' | 'incremental' | 'aside';
    if (aside && !needsFullPass({ ...cadence, msSinceFullPass: now - aside.at })) pass = 'aside';
    else pass = needsFullPass(cadence) ? 'full' : 'incremental';
    if (pass === 'aside') this.asidePass(aside!, hier, lastPid!, still);
    else if (pass === 'full') this.fullPass(hier, now, still);
    else this.incrementalPass(hier, lastPid!, still);
    this.lastPid = lastPid;
    return pass;
  }

  /**
   * A one-shot scan's full pass, in two halves: the cgroups first (walkCgroups), then the processes outside the
   * host's PID namespace from a survey made aside (or read here when there is none).
   */
  walkCgroups(hier: CgroupHierarchy | undefined, members = true): void {
    if (hier) this.cgroups.walk(this.r, hier, members);
  }

  surveyed(survey: PidnsSurvey | null, lastPid: number | undefined): void {
    this.pidnsPass(survey);
    this.fullPassDone(Date.now());
    this.lastPid = lastPid;
  }

  private fullPass(hier: CgroupHierarchy | undefined, now: number, still?: (cg: ContainerCgroup) => boolean): void {
    const changed = this.pidnsPass(null);
    if (hier && (changed || !this.cgroups.walked)) this.cgroups.walk(this.r, hier);
    else this.cgroups.refreshMembers(this.r, hier, still);
    this.fullPassDone(now);
  }

  /**
   * Every host PID and its PID namespace, read here; true when the set of PIDs changed. Or, from a survey made
   * aside, the processes outside the host's PID namespace alone (a one-shot scan keeps no PIDs for a next one).
   */
  private pidnsPass(survey: PidnsSurvey | null): boolean {
    if (survey) {
      this.hostProcessCount = survey.processCount;
      for (const [pid, ns] of survey.outsideHost) this.pids.note(pid, ns);
      return true;
    }
    const pids = listPids(this.r.list(this.r.paths.proc));
    this.hostProcessCount = pids.length;
    return this.pids.track(pids, (pid) => this.hooks.forgetProcess(pid));
  }

  /**
   * The survey's full pass, then this scan's probe of the PIDs created since the last one (their namespace and
   * container cgroup, young ones once more, as between full passes): the survey saw some of them, but not what
   * cgroup they were moved into after it. A PID the survey found that no probe covers was missed by the scans
   * before (a probe raced its creation): noted now, as a full pass here would.
   */
  private asidePass(aside: AsidePass, hier: CgroupHierarchy | undefined, lastPid: number, still?: (cg: ContainerCgroup) => boolean): void {
    const { survey } = aside;
    this.hostProcessCount = survey.processCount;
    for (const pid of survey.gone) {
      this.pids.forget(pid);
      this.hooks.forgetProcess(pid);
    }
    if (hier && survey.cgroupDirs) this.cgroups.adopt(containerCgroupsListed(survey.cgroupDirs));
    else if (hier) this.cgroups.walk(this.r, hier);
    const probedFrom = this.lastPid!;
    this.incrementalPass(hier, lastPid, still);
    for (const [pid, ns] of survey.fresh) if ((pid <= probedFrom || pid > lastPid) && !this.pids.has(pid)) this.pids.note(pid, ns);
    this.lastFullPass = aside.at;
    this.hooks.fullPassDone();
  }

  private fullPassDone(now: number): void {
    this.lastFullPass = now;
    this.youngPids = [];
    this.hooks.fullPassDone();
  }

  /** Only the PIDs created since the last scan: their namespace, and whether they opened a new container cgroup. */
  private incrementalPass(hier: CgroupHierarchy | undefined, lastPid: number, still?: (cg: ContainerCgroup) => boolean): void {
    const recheck = this.youngPids;
    this.youngPids = [];
    for (const pid of recheck) this.noteContainerCgroup(pid, hier, false);
    for (let pid = this.lastPid! + 1; pid <= lastPid; pid++) {
      if (this.pids.has(pid)) continue;
      const ns = readNamespace(this.pids.survey, pid, 'pid');
      if (ns === undefined) continue; // already gone, or a thread ID (not a process)
      this.pids.note(pid, ns);
      this.noteContainerCgroup(pid, hier, true);
    }
    this.cgroups.refreshMembers(this.r, hier, still);
  }

  /** Adds the container cgroup a new PID is in, if any; remembers it for one more look if it is in none. */
  private noteContainerCgroup(pid: number, hier: CgroupHierarchy | undefined, lookAgain: boolean): void {
    const memberships = this.r.text(join(this.r.paths.proc, String(pid), 'cgroup'));
    if (memberships === null) return;
    const container = this.cgroups.containerOf(parseProcCgroup(memberships), hier);
    if (!container) {
      if (lookAgain) this.youngPids.push(pid);
      return;
    }
    this.cgroups.add(container);
  }
}
