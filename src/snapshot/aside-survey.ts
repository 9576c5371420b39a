// A long-running scanner's periodic full pass, made between scans: after a scan that finds the next one (or the one
// after) will be due a full pass (every fullPassIntervalMs), the native helper (host-survey.ts) is started to read
// /proc's PIDs, the namespaces of the PIDs not known yet and the cgroup hierarchy's directories on the other core,
// while this process renders, writes or waits; the next scan takes its result as its full pass (PidTracker.update),
// so that pass's ~70 ms (the readdir of /proc, ~36 ms at 20,000 processes, and the cgroup walk) leave the scan.
//
// A survey is only ever that next scan's: one that is not in by then is dropped (the scan makes its full pass itself
// when one is due, as without a helper), and so is one older than the full-pass interval. It is started so that it
// is in before the next scan is expected: halfway to it when scans come less than two leads apart (the dashboard, a
// busy scraper), else a lead before it (a scraper every 15 s has its survey made 1 s before, not 14 s stale).
// If the helper is missing, nothing is started again; if it fails, the scan makes its pass itself.
import type { ChildProcess } from 'node:child_process';
import type { HostSurvey, HostSurveyRequest, StartedHostSurvey } from '../host/procfs/host-survey.js';
import type { AsidePass } from './incremental.js';

/** The least time a survey is started ahead of the scan it is for (and at most the time between scans). */
export const MIN_LEAD_MS = 1000;

export interface SurveyTiming {
  /** When this scan started, and the one before it (undefined at the first scan). */
  scanAt: number;
  previousScanAt: number | undefined;
  now: number;
  /** When the next full pass is due (the last one's time plus the interval). */
  dueAt: number;
  /** How long the last survey took: the lead is four times it, at least MIN_LEAD_MS. */
  surveyMs: number;
}

/**
 * How long from now to start the survey for the next scan, or undefined when neither that scan nor the one after is
 * expected to be due a full pass. Scans are expected as far apart as this one and the one before; the one after
 * counts too because they are not quite regular (a scan expected just before the due time may come after it, and
 * would then make its full pass itself), and a survey taken a scan early is a full pass a scan early, a survey not
 * in by then has a second chance. The survey starts halfway to the next scan (the fork of a process with thousands
 * of descriptors open takes 15-25 ms of this thread: not while this scan's response is still being rendered and
 * written), or a lead before it, whichever is later.
 */
export function surveyStartDelay(t: SurveyTiming): number | undefined {
  if (t.previousScanAt === undefined) return undefined;
  const gap = t.scanAt - t.previousScanAt;
  const nextAt = t.scanAt + gap;
  if (nextAt + gap < t.dueAt) return undefined;
  const untilNext = nextAt - t.now;
  return Math.max(0, untilNext / 2, untilNext - Math.max(MIN_LEAD_MS, 4 * t.surveyMs));
}

interface Pending {
  /** The scan it was started after. */
  afterScan: number;
  at: number;
  done?: HostSurvey | null;
  child?: ChildProcess;
  /** Resolves once `done` is set. */
  settled: Promise<void>;
}

export type SurveyStarter = (req: HostSurveyRequest) => StartedHostSurvey;

export class AsideSurveys {
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Resolves when the scheduled survey has started (or was cancelled). */
  private scheduled: Promise<void> | undefined;
  private startScheduled: (() => void) | undefined;
  private missing = false;
  private surveyMs = 0;
  /** How many surveys were started, taken as a full pass, and dropped (benchmarks and tests read them). */
  readonly counts = { started: 0, taken: 0, dropped: 0 };

  constructor(private readonly start: SurveyStarter) {}

  /**
   * At scan `scanNo`'s start: the survey started after the scan before, if it is in. Any other is dropped (a
   * helper still running is ended), as is one scheduled and not started yet.
   */
  take(scanNo: number): AsidePass | undefined {
    this.cancelTimer();
    const p = this.pending;
    this.pending = undefined;
    if (!p) return undefined;
    if (p.afterScan === scanNo - 1 && p.done) {
      this.counts.taken++;
      return { survey: p.done, at: p.at };
    }
    this.counts.dropped++;
    if (p.done === undefined) p.child?.kill();
    return undefined;
  }

  /**
   * After scan `scanNo`: start the survey for the next scan in `delayMs` (undefined: none is needed), from a timer
   * even when that is now: the caller renders this scan first, and the helper's spawn is not part of that.
   */
  schedule(scanNo: number, delayMs: number | undefined, request: () => HostSurveyRequest): void {
    if (delayMs === undefined || this.missing) return;
    this.scheduled = new Promise<void>((resolve) => (this.startScheduled = resolve));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run(scanNo, request());
      this.startScheduled?.();
    }, delayMs);
    this.timer.unref();
  }

  /** Resolves once the survey scheduled or under way, if any, is in (tests, benchmarks). */
  async whenIn(): Promise<void> {
    this.timer?.ref(); // unref'd, so as not to keep a process that is done alive; awaited, it must
    await this.scheduled;
    await this.pending?.settled;
  }

  get lastSurveyMs(): number {
    return this.surveyMs;
  }

  close(): void {
    this.cancelTimer();
    if (this.pending?.done === undefined) this.pending?.child?.kill();
    this.pending = undefined;
  }

  private run(scanNo: number, request: HostSurveyRequest): void {
    const at = Date.now();
    const t0 = performance.now();
    const started = this.start(request);
    void started.missing.then((m) => {
      if (m) this.missing = true;
    });
    const settled = started.survey.then((s) => {
      p.done = s;
      p.child = undefined;
      this.surveyMs = performance.now() - t0;
    });
    const p: Pending = { afterScan: scanNo, at, child: started.child, settled };
    this.pending = p;
    this.counts.started++;
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.startScheduled?.();
    this.startScheduled = this.scheduled = undefined;
  }
}
