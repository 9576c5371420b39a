// Limit files read ahead between scans (SpecCache.prefetch). A long-running scanner reads each limit and setting
// file again once a TTL (5 s, cAdvisor's spec age); at 1,000 containers that is ~9,000 files, so at a scrape a
// second ~1,800 of them fell due in every scan (~20 ms of a ~135 ms scrape), and at a 15 s interval all of them
// (~100 ms). Read between scans, they are the same reads at about the same rate, out of the scan: the exporter's
// scrape latency loses them. Only `serve` asks for it: the dashboard's refresh keeps no one waiting.
//
// When: the next scan is expected as far after this one as this one came after the one before. The read-ahead starts
// halfway to it (not while this scan's response is still being rendered and written) or, when scans come further
// apart, half a TTL before it, so that what it reads is still fresh then; it reads what will have expired by the
// next scan plus a margin for a late one (a quarter of the gap, at most a quarter of the TTL), in slices of a few
// milliseconds, so a request that comes meanwhile waits for one slice at most. A scan that comes first reads what
// is still due itself, and plans the next read-ahead.

export interface PrefetchTiming {
  /** When this scan started and the one before it (Date.now() times; undefined at the first scan). */
  scanAt: number;
  previousScanAt: number | undefined;
  now: number;
  ttlMs: number;
}

export interface PrefetchPlan {
  /** How long from now to start. */
  delayMs: number;
  /** Read what will have expired by then (Date.now() time). */
  by: number;
}

/**
 * Scans closer together than this get no read-ahead: few limit files fall due between two of them, and the
 * read-ahead's timers would only come between the responses (8 clients scraping back to back at 40 containers:
 * /metrics p50 16-18 ms without one, 22 ms with it).
 */
export const MIN_GAP_MS = 500;

export function specPrefetchPlan(t: PrefetchTiming): PrefetchPlan | undefined {
  if (t.previousScanAt === undefined || t.ttlMs <= 0) return undefined;
  const gap = t.scanAt - t.previousScanAt;
  if (!(gap >= MIN_GAP_MS)) return undefined;
  const nextAt = t.scanAt + gap;
  const startAt = Math.max(t.scanAt + gap / 2, nextAt - t.ttlMs / 2);
  return { delayMs: Math.max(0, startAt - t.now), by: nextAt + Math.min(gap / 4, t.ttlMs / 4) };
}

/** Runs a scanner's read-ahead: `prefetch(by, deadline)` reads until the deadline, true when some are left. */
export class SpecPrefetch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prefetch: (by: number, deadline: number) => boolean,
    private readonly sliceMs = 4,
  ) {}

  /** Replaces the read-ahead planned after the last scan (none when `plan` is undefined). */
  schedule(plan: PrefetchPlan | undefined): void {
    this.cancel();
    if (plan) this.later(plan.delayMs, plan.by);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private later(delayMs: number, by: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.prefetch(by, performance.now() + this.sliceMs)) this.later(0, by);
    }, delayMs);
    this.timer.unref(); // never what keeps a process alive
  }
}
