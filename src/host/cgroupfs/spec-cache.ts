// Limits and settings files (memory.limit_in_bytes, cpu.max ...) change rarely; a long-running scanner re-reads
// them only after `ttlMs`, which takes roughly a third of the file reads out of every steady-state refresh. The
// files themselves may be kept open (`files`), since re-reading one is still a path walk otherwise; a file is
// closed when its entry is pruned.
import type { OpenFiles } from '../open-files.js';
import type { FailureSink } from '../read-failure.js';
import { readRecordText } from '../read.js';
import { spreadTtl } from '../ttl-spread.js';

export class SpecCache {
  /** `life`: how long an entry is trusted: the TTL, or a share of it the first time (ttl-spread.ts) */
  private entries = new Map<string, { at: number; life: number; text: string | null }>();

  constructor(
    private readonly ttlMs: number,
    private readonly files?: OpenFiles,
  ) {}

  /** The file's text, cached; a failed read (`failed` is told why) is cached as null as well. */
  read = (path: string, failed?: FailureSink): string | null => {
    const now = Date.now();
    const e = this.entries.get(path);
    if (e && now - e.at < e.life) return e.text;
    const text = this.files ? this.files.readText(path, true, failed) : readRecordText(path, failed); // limit files: one record each
    this.entries.set(path, { at: now, life: e ? this.ttlMs : spreadTtl(path, this.ttlMs), text });
    return text;
  };

  /** Drop entries not read for a while (containers that went away), and close their files. */
  prune(): void {
    const now = Date.now();
    for (const [k, e] of this.entries) {
      if (now - e.at < this.ttlMs * 2) continue;
      this.entries.delete(k);
      this.files?.forget(k);
    }
  }

  /** Close the kept files (a later read opens them again). */
  close(): void {
    this.files?.close();
  }
}
