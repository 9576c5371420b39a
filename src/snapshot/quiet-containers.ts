// Quiet containers: a long-running scanner's steady scan costs what changed, not what exists (cAdvisor's dynamic
// housekeeping, made exact). Each scan reads a container cgroup's movement signals first (v1: cpuacct.usage,
// memory.usage_in_bytes, freezer.state; v2: v2SignalFiles), before its members. When they read exactly as at the
// scan before, none of its tasks ran since: a fork, an exit, an exec, a signal delivered, a page fault, an IO
// submitted, a charge that failed all take the container's own CPU time, counted to the nanosecond in cpuacct.usage
// (v1; cpu.stat's usage_usec on v2), and its memory was neither charged, reclaimed nor swapped, nor was it frozen or
// thawed. Its other figures (memory.stat, pids, blkio, its processes' stat, its members) can then only read as they
// did, so the scan reuses them (and a loopback-only network namespace's net/dev: only its tasks move lo) instead of
// reading them again. They are the values the kernel would give now, not stale ones: the counters that did not
// move are the evidence.
//
// What can still change unseen (LRU aging of a page between the inactive and active lists without reclaiming it, a
// page charged elsewhere but mapped here, an interface moved into the netns from outside, a process attached to the
// cgroup by another that has not run in it yet, a netns shared with another container) is bounded by a full read
// of every container at least every `maxAgeMs`, the phases spread (ttl-spread.ts) so that not all of them fall due
// in one scan. A container with no CPU counter is always read whole.
import type { HostReader } from '../host/reader.js';
import type { CgroupStats, NetworkStats } from '../host/records.js';
import { spreadTtl } from '../host/ttl-spread.js';

/** What a quiet container's scan reuses from its last full read. */
export interface QuietFigures {
  cgroup: CgroupStats | null;
  network: NetworkStats | null;
  /** The network namespace's inode, when known. */
  netns?: number;
}

interface Entry {
  /** Signal files (CPU first), as the last full read's cgroup paths name them. */
  files: string[];
  /** Their texts as read before the last full read; undefined until a scan read them before its full read. */
  signals: (string | null)[] | undefined;
  /** This scan had a baseline to compare with (the container may have been quiet). */
  compared: boolean;
  figures: QuietFigures;
  /**
   * When its next full read is due whatever the signals say: a share of maxAgeMs after the first (ttl-spread.ts),
   * then maxAgeMs after each due one. A full read because the container moved leaves it: the phases stay spread
   * even after every container moved in one scan.
   */
  dueAt: number;
  /** The scan that last saw the container (entries of gone containers are dropped). */
  seen: number;
}

export class QuietContainers {
  private readonly entries = new Map<string, Entry>();
  /** This scan's decisions, by container cgroup path. */
  private readonly decided = new Map<string, boolean>();
  /** How many containers were in each network namespace at the last scan. */
  private netnsCount = new Map<number, number>();
  private scanNo = 0;
  private now = 0;
  /** This scan's count of container cgroups found quiet, and of those read whole (benchmarks print the share). */
  readonly counts = { quiet: 0, whole: 0 };

  constructor(
    private readonly reader: HostReader,
    private readonly maxAgeMs: number,
  ) {}

  beginScan(now: number): void {
    this.now = now;
    this.scanNo++;
    this.decided.clear();
    this.counts.quiet = this.counts.whole = 0;
  }

  /**
   * Whether the container cgroup `path` is quiet in this scan (decided once per scan, before its members are read):
   * its signals read as at the scan before, its last full read younger than its max age, and no PID new to the host
   * in it (`touched`). Reads its signal files.
   */
  isQuiet(path: string, touched = false): boolean {
    const done = this.decided.get(path);
    if (done !== undefined) return done;
    const e = this.entries.get(path);
    let quiet = false;
    if (e) {
      e.seen = this.scanNo;
      const fresh = e.files.map((f) => this.reader.hotRecordText(f));
      const before = e.signals;
      e.compared = before !== undefined;
      quiet =
        !touched &&
        before !== undefined &&
        fresh.length > 0 &&
        fresh[0] !== null &&
        this.now < e.dueAt &&
        fresh.every((text, i) => text === before[i]);
      e.signals = fresh;
    }
    this.decided.set(path, quiet);
    if (quiet) this.counts.quiet++;
    else this.counts.whole++;
    return quiet;
  }

  /** The figures a quiet container reuses (isQuiet answered true in this scan). */
  figures(path: string): QuietFigures | undefined {
    return this.decided.get(path) ? this.entries.get(path)?.figures : undefined;
  }

  /** A loopback-only network namespace no other container shares: its counters move only by the container's tasks. */
  netDevStill(f: QuietFigures): boolean {
    const n = f.network;
    return n !== null && f.netns !== undefined && this.netnsCount.get(f.netns) === 1 && n.interfaces.every((i) => i.name === 'lo');
  }

  /** After a full read of `path`: its figures, and the signal files its cgroup paths name. */
  recordFull(path: string, files: string[], figures: QuietFigures): void {
    const e = this.entries.get(path);
    const same = e !== undefined && e.files.length === files.length && e.files.every((f, i) => f === files[i]);
    const now = this.now;
    this.entries.set(path, {
      files,
      // read before this full read, at these paths: the baseline the next scan compares with
      signals: same && this.decided.has(path) ? e.signals : undefined,
      figures,
      // the schedule starts with the first baseline: the read that makes it must not spend the first lifetime
      dueAt: !e?.compared ? now + spreadTtl(path, this.maxAgeMs) : now >= e.dueAt ? now + this.maxAgeMs : e.dueAt,
      compared: false,
      seen: this.scanNo,
    });
  }

  /**
   * After a scan: count the containers per network namespace, forget the containers it did not see; returns their
   * cgroup paths (the files kept open for them may go).
   */
  endScan(netnsOf: Iterable<number | undefined>): string[] {
    const count = new Map<number, number>();
    for (const ns of netnsOf) if (ns !== undefined) count.set(ns, (count.get(ns) ?? 0) + 1);
    this.netnsCount = count;
    const gone: string[] = [];
    for (const [path, e] of this.entries) {
      if (e.seen === this.scanNo) continue;
      this.entries.delete(path);
      gone.push(path);
    }
    return gone;
  }
}
