// Limits and settings files (memory.limit_in_bytes, cpu.max ...) change rarely; a long-running scanner re-reads
// them only after `ttlMs`, which takes roughly a third of the file reads out of every steady-state refresh. The
// files themselves may be kept open (`files`), since re-reading one is still a path walk otherwise; a file is
// closed when its entry is pruned. A scanner between scans may read ahead (prefetch) what will have expired by the
// next one, so that a scan finds them fresh: the same reads, out of the scrape's latency (spec-prefetch.ts).
import type { OpenFiles } from '../open-files.js';
import type { FailureSink } from '../read-failure.js';
import { readRecordText } from '../read.js';
import { spreadTtl } from '../ttl-spread.js';

interface Entry {
  /** When the text was read, and how long it is trusted: the TTL, or a share of it the first time (ttl-spread.ts). */
  at: number;
  life: number;
  text: string | null;
  /** When a scan last asked for it: prefetch reads ahead only what scans still ask for, prune drops the rest. */
  usedAt: number;
}

/** Entries a prefetch reads between two looks at its deadline. */
const PREFETCH_BATCH = 32;

export class SpecCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly files?: OpenFiles,
  ) {}

  /** The file's text, cached; a failed read (`failed` is told why) is cached as null as well. */
  read = (path: string, failed?: FailureSink): string | null => {
    const now = Date.now();
    const e = this.entries.get(path);
    if (e) e.usedAt = now;
    if (e && now - e.at < e.life) return e.text;
    return this.load(path, e, now, failed);
  };

  private load(path: string, e: Entry | undefined, now: number, failed?: FailureSink): string | null {
    const text = this.files ? this.files.readText(path, true, failed) : readRecordText(path, failed); // limit files: one record each
    this.entries.set(path, { at: now, life: e ? this.ttlMs : spreadTtl(path, this.ttlMs), text, usedAt: e?.usedAt ?? now });
    return text;
  }

  /**
   * Reads again the entries a scan asked for lately that will have expired by `by` (Date.now() time), until
   * `deadline` (performance.now() time); true when some are left. A failed read is cached as null, unreported: a
   * container that went away is the scan's to report. The TTL still holds from each read: nothing is trusted longer.
   */
  prefetch(by: number, deadline: number): boolean {
    let n = 0;
    const now = Date.now();
    for (const [path, e] of this.entries) {
      if (e.at + e.life > by || this.unused(e, now)) continue;
      if (++n % PREFETCH_BATCH === 0 && performance.now() >= deadline) return true;
      this.load(path, e, now);
    }
    return false;
  }

  /** No scan asked for it for two TTLs: its container is likely gone. */
  private unused(e: Entry, now: number): boolean {
    return now - e.usedAt >= this.ttlMs * 2;
  }

  /** Drop entries not asked for a while (containers that went away), and close their files. */
  prune(): void {
    const now = Date.now();
    for (const [k, e] of this.entries) {
      if (!this.unused(e, now)) continue;
      this.entries.delete(k);
      this.files?.forget(k);
    }
  }

  /** Close the kept files (a later read opens them again). */
  close(): void {
    this.files?.close();
  }
}
