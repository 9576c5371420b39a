// The writable layers' sizes, measured in the background: cAdvisor runs du over every container's layer and it
// hurts (CPU and IO spikes at every housekeeping), so here each layer is walked at most once per refresh interval
// (a minute by default), one walk at a time, in slices of a bounded number of entries with a pause between them, and
// the last finished figure is served. A scrape only reads the map: it never waits for a walk.
import { statfsSync } from 'node:fs';
import { DirUsageWalk } from '../../host/dir-usage.js';

export interface FsUsageOptions {
  /** A layer is walked again once its last figure is this old (ms). */
  refreshMs: number;
  /** Entries looked at per slice, and at most this long (ms) per slice. */
  entriesPerSlice: number;
  sliceMs: number;
  /** Pause between slices (ms): the walker's CPU share is about sliceMs / (sliceMs + pauseMs) at most. */
  pauseMs: number;
  /** Layers walked at once. */
  concurrency: number;
  /** The filesystem's figures (statfs) are read again after this long (ms). */
  statfsTtlMs: number;
}

export const DEFAULT_FS_USAGE: FsUsageOptions = {
  refreshMs: 60_000,
  entriesPerSlice: 2000,
  sliceMs: 10,
  pauseMs: 40,
  concurrency: 1,
  statfsTtlMs: 10_000,
};

/** A writable layer's figures, as the fs collector exports them (cAdvisor's container_fs_*). */
export interface WritableLayerUsage {
  /** The host device holding the layer (cAdvisor's `device` label). */
  device: string;
  /** Allocated bytes in the layer at the last finished walk. */
  usageBytes: number;
  inodesUsed: number;
  /** When that walk finished (ms since the epoch). */
  measuredAt: number;
  /** The filesystem's size and inodes (statfs of the layer's directory). */
  limitBytes?: number;
  inodesTotal?: number;
  inodesFree?: number;
}

interface Entry {
  dir: string;
  device: string;
  result?: WritableLayerUsage;
  /** When it is due to be walked (ms since the epoch). */
  due: number;
  walk?: DirUsageWalk;
  /**
   * What get() last answered, and from which figures: the same object while neither changed (a scrape's snapshot
   * holds one per container until its render ends, so a new copy each scan is promoted to the old space each scan).
   */
  served?: { result: WritableLayerUsage; fs: FsFigures | undefined; usage: WritableLayerUsage };
}

interface FsFigures {
  at: number;
  limitBytes: number;
  inodesTotal: number;
  inodesFree: number;
}

export class FsUsageCache {
  private readonly opts: FsUsageOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly statfs = new Map<string, FsFigures>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Entries looked at and time spent walking, since the start (for the cost figures). */
  readonly cost = { entries: 0, walks: 0, busyMs: 0 };

  constructor(
    options: Partial<FsUsageOptions> = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.opts = { ...DEFAULT_FS_USAGE, ...options };
  }

  /** Keep measuring `dir` (a path here) for `key`; a new key, or a new dir for it, is walked soon. */
  track(key: string, dir: string, device: string): void {
    const e = this.entries.get(key);
    if (e && e.dir === dir) return;
    e?.walk?.close();
    this.entries.set(key, { dir, device, due: this.now() });
    this.schedule(0);
  }

  /** Stop measuring every key not in `keys`. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, e] of this.entries) {
      if (keys.has(key)) continue;
      e.walk?.close();
      this.entries.delete(key);
      this.statfs.delete(e.dir);
    }
  }

  /** The last finished figures, with the filesystem's refreshed when old; undefined before the first walk ends. */
  get(key: string): WritableLayerUsage | undefined {
    const e = this.entries.get(key);
    if (!e?.result) return undefined;
    const fs = this.figures(e.dir);
    if (e.served?.result === e.result && e.served.fs === fs) return e.served.usage;
    const usage = fs ? { ...e.result, limitBytes: fs.limitBytes, inodesTotal: fs.inodesTotal, inodesFree: fs.inodesFree } : e.result;
    e.served = { result: e.result, fs, usage };
    return usage;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const e of this.entries.values()) e.walk?.close();
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.slice();
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * One slice: walks advanced (and finished ones replaced by the next due layers) until the slice's entries or time
   * are spent, then the next slice after a pause, or a sleep until the next layer is due.
   */
  private slice(): void {
    const t0 = performance.now();
    const until = t0 + this.opts.sliceMs;
    let budget = this.opts.entriesPerSlice;
    for (let active = this.startDue(); active.length > 0 && budget > 0; active = this.startDue()) {
      const share = Math.max(1, Math.floor(budget / active.length));
      for (const e of active) budget -= Math.max(1, this.advance(e, share, Math.max(0, until - performance.now()) / active.length));
      if (performance.now() >= until) break;
    }
    this.cost.busyMs += performance.now() - t0;
    if (this.walking()) {
      this.schedule(this.opts.pauseMs);
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) next = Math.min(next, e.due);
    if (Number.isFinite(next)) this.schedule(Math.max(this.opts.pauseMs, next - this.now()));
  }

  private walking(): boolean {
    for (const e of this.entries.values()) if (e.walk) return true;
    return false;
  }

  /** The walks under way, after starting the most overdue layers while fewer than `concurrency` are. */
  private startDue(): Entry[] {
    const now = this.now();
    const active: Entry[] = [];
    for (const e of this.entries.values()) if (e.walk) active.push(e);
    // one pass per start for the most overdue layer (concurrency is small): a slice calls this after every walk it
    // finishes, and copying and sorting the 1,000 entries each time cost more than walking a small layer
    while (active.length < this.opts.concurrency) {
      let next: Entry | undefined;
      for (const e of this.entries.values()) if (!e.walk && e.due <= now && (next === undefined || e.due < next.due)) next = e;
      if (next === undefined) break;
      next.walk = new DirUsageWalk(next.dir);
      active.push(next);
    }
    return active;
  }

  /** Walk a layer on by `budget` entries (returns those looked at); a finished walk becomes its figure and the
   * layer is due again later. */
  private advance(e: Entry, budget: number, maxMs: number): number {
    const walk = e.walk!;
    const before = walk.visited;
    let finished: boolean;
    let broke = false;
    try {
      finished = walk.step(budget, maxMs);
    } catch {
      walk.close();
      finished = broke = true; // an I/O error on this tree: try again at the next refresh, keep the last figure
    }
    const visited = walk.visited - before;
    this.cost.entries += visited;
    if (!finished) return visited;
    e.walk = undefined;
    e.due = this.now() + this.opts.refreshMs;
    this.cost.walks++;
    if (!broke && walk.error === undefined)
      e.result = { device: e.device, usageBytes: walk.usage.bytes, inodesUsed: walk.usage.inodes, measuredAt: this.now() };
    return visited;
  }

  private figures(dir: string): FsFigures | undefined {
    const at = this.now();
    const cached = this.statfs.get(dir);
    if (cached && at - cached.at < this.opts.statfsTtlMs) return cached;
    try {
      const s = statfsSync(dir);
      const fresh = { at, limitBytes: s.blocks * s.bsize, inodesTotal: s.files, inodesFree: s.ffree };
      this.statfs.set(dir, fresh);
      return fresh;
    } catch {
      this.statfs.delete(dir);
      return undefined;
    }
  }
}
