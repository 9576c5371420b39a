// The processes a scanner read, kept for the next scan: a known process is refreshed from its stat alone (what
// changes between ticks), a new one read whole. The cache keeps exactly what the last scan used (members and shims).
import {
  readProcess,
  readProcessLight,
  readProcessMember,
  readProcessStatOnly,
  refreshProcess,
  withStatus,
  type ProcessReadContext,
} from '../host/procfs/process.js';
import type { ProcessInfo } from '../host/records.js';

export interface ProcessCacheHooks {
  /** The PID vanished (the PID index forgets it). */
  vanished(pid: number): void;
  /** The PID now belongs to another process (the files kept open for the old one must go). */
  reused(pid: number): void;
  /** The process left the cache: no scan uses it any more, or it vanished (its files kept open may go). */
  dropped?(pid: number): void;
}

/** How much of a process new to the cache is read: whole, as a container's member (readProcessMember), light, or stat. */
export type ReadDepth = 'whole' | 'member' | 'light' | 'stat';

const READERS = { whole: readProcess, member: readProcessMember, light: readProcessLight, stat: readProcessStatOnly } as const;

export class ProcessCache {
  private readonly known = new Map<number, ProcessInfo>();
  /** Which share of the known processes readAllInTurn refreshes next. */
  private turn = 0;

  constructor(
    private readonly ctx: ProcessReadContext,
    private readonly hooks: ProcessCacheHooks,
  ) {}

  delete(pid: number): void {
    if (this.known.delete(pid)) this.hooks.dropped?.(pid);
  }

  /** Reads `wanted` into `live` (what vanished is left out); `depth`: how much of a new one is read. */
  readAll(wanted: Iterable<number>, live: Map<number, ProcessInfo>, depth: ReadDepth = 'whole'): void {
    for (const pid of wanted) this.read(pid, live, depth);
  }

  /**
   * Reads `wanted` into `live` at a bounded cost: a PID new to the cache is read whole, but of the processes it knew,
   * only about `budget` are refreshed (each in its turn, every ceil(known / budget) calls); the others stay as last
   * read. For every host process (the tree view): 20,000 stat reads a second cost more than the rest of a scan.
   */
  readAllInTurn(wanted: Iterable<number>, live: Map<number, ProcessInfo>, budget: number): void {
    const period = Math.max(1, Math.ceil(this.known.size / Math.max(1, budget)));
    const turn = this.turn++ % period;
    for (const pid of wanted) {
      if (live.has(pid)) continue;
      const known = this.known.get(pid);
      if (known && pid % period !== turn) live.set(pid, known);
      else this.read(pid, live);
    }
  }

  /** A process as last read, not read again (its container is quiet: quiet-containers.ts); read when not known. */
  reuse(pid: number, live: Map<number, ProcessInfo>): ProcessInfo | undefined {
    const known = this.known.get(pid);
    if (!known) return this.read(pid, live);
    live.set(pid, known);
    return known;
  }

  /**
   * A process from this scan (`live`), the cache (refreshed), or read to `depth`. One this scan read to 'stat' has its
   * status read now when more is asked (a shim inside another container, as in docker-in-docker, may be that one's
   * member read stat alone).
   */
  read(pid: number, live: Map<number, ProcessInfo>, depth: ReadDepth = 'whole'): ProcessInfo | undefined {
    const already = live.get(pid);
    if (already) return depth === 'stat' || this.completeStatus(pid, live) ? already : undefined;
    const known = this.known.get(pid);
    let p: ProcessInfo | null = null;
    if (known) {
      const r = refreshProcess(this.ctx, known);
      if (r === 'reused') this.hooks.reused(pid);
      p = r === 'reused' ? readProcess(this.ctx, pid) : r;
    } else {
      p = READERS[depth](this.ctx, pid);
    }
    if (!p) {
      this.known.delete(pid);
      this.hooks.vanished(pid);
      this.hooks.dropped?.(pid);
      return undefined;
    }
    this.known.set(pid, p);
    live.set(pid, p);
    return p;
  }

  /** A process of this scan read to 'stat', its status read now (withStatus); false when it vanished (forgotten). */
  completeStatus(pid: number, live: Map<number, ProcessInfo>): boolean {
    const p = live.get(pid);
    if (p && withStatus(this.ctx, p)) return true;
    live.delete(pid);
    if (this.known.delete(pid)) this.hooks.dropped?.(pid);
    this.hooks.vanished(pid);
    return false;
  }

  /** Keep only what this scan used. */
  keepOnly(live: Map<number, ProcessInfo>): void {
    for (const pid of this.known.keys()) {
      if (live.has(pid)) continue;
      this.known.delete(pid);
      this.hooks.dropped?.(pid);
    }
  }
}
