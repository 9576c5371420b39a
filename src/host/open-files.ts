// Files a long-running scanner reads every refresh (cgroup usage files, /proc/<pid>/stat, /proc/stat ...) kept
// open between scans: a pread at offset 0 makes procfs and cgroupfs generate the text afresh, and the open (a path
// walk through kernfs, the larger part of a refresh) and close happen once instead of every second.
// Only files on kernel filesystems are kept (a regular file replaced by rename would be read stale through an old
// descriptor), and only where the caller says so (`keepUnder`). cgroup.procs only on cgroup2 (`procsUnder`): v1
// serves a pidlist cached per open file, so a descriptor kept open there would keep reading the same members.
// The descriptor budget is fd-budget.ts's, which directories are kernel filesystems fs-magic.ts's.
import { closeSync, openSync, readSync } from 'node:fs';
import { defaultMaxOpen } from './fd-budget.js';
import { classifyReadError, errnoOf, reportFailure, type FailureSink } from './read-failure.js';
import { readBytes, readRecordBytes, readRecordText, readText } from './read.js';

/** The descriptor's process exited (ESRCH), its cgroup was removed (ENODEV), it was closed under us (EBADF), or the
 * host refuses it now: the path is looked up again. */
function isStale(err: unknown): boolean {
  return errnoOf(err) === 'EBADF' || classifyReadError(err) !== undefined;
}

/** Kept files closed a sweep to make room near the budget (see sweep): ~1 ms of closes at most. */
const EVICT_PER_SWEEP = 128;

const isOutOfDescriptors = (err: unknown) => errnoOf(err) === 'EMFILE' || errnoOf(err) === 'ENFILE';

interface Kept {
  path: string;
  fd: number;
  /** The sweep generation this file was last read in. */
  seen: number;
  /** When that generation began (the sweep before it): the file was read at this time or later. */
  seenAt: number;
}

export class OpenFiles {
  private readonly kept = new Map<string, Kept>();
  private buf = Buffer.allocUnsafe(16 * 1024);
  private generation = 0;
  private generationAt = Date.now();

  /**
   * @param keepUnder directories on procfs/cgroupfs under which files may be kept open (each ends with '/').
   * @param maxOpen at most this many descriptors are kept; past it files are read the ordinary way.
   * @param procsUnder cgroup2 directories under which cgroup.procs may be kept too (each ends with '/').
   * @param idleMs a file not read for this long is closed at a sweep; 0: one not read since the last sweep.
   * @param evictPerSweep near the budget, at most this many files read within idleMs are closed a sweep (see sweep).
   */
  constructor(
    private readonly keepUnder: readonly string[],
    private readonly maxOpen = defaultMaxOpen(),
    private readonly procsUnder: readonly string[] = [],
    private readonly idleMs = 0,
    private readonly evictPerSweep = EVICT_PER_SWEEP,
  ) {}

  get size(): number {
    return this.kept.size;
  }

  /**
   * Up to `limit` bytes of the file, as a view into a buffer reused by the next read (decode it at once); null when
   * the file does not exist, its process or cgroup is gone or it may not be read (`failed` is told which).
   */
  readView(path: string, limit = 64 * 1024, oneRecord = false, failed?: FailureSink): Buffer | null {
    if (!this.kept.has(path) && !this.mayKeep(path))
      return oneRecord ? readRecordBytes(path, limit, failed) : readBytes(path, limit, failed);
    const n = this.load(path, limit, oneRecord, failed);
    return n === null ? null : this.buf.subarray(0, n);
  }

  /** The whole file as text (16 MiB bounds a hostile one, as readText); null when absent. */
  readText(path: string, oneRecord = false, failed?: FailureSink): string | null {
    if (!this.kept.has(path) && !this.mayKeep(path)) return oneRecord ? readRecordText(path, failed) : readText(path, failed);
    const n = this.load(path, 16 << 20, oneRecord, failed);
    return n === null ? null : this.buf.toString('utf8', 0, n);
  }

  /**
   * Close what was not read since the last sweep, or for idleMs: files of processes and cgroups that went away (and
   * with idleMs, of quiet containers not due for a full read yet: snapshot/quiet-containers.ts). Near the budget,
   * files not read since the last sweep go too, at most evictPerSweep a sweep, so that files read every scan find
   * room. Bounded because closing them all at once was one scan's ~11,000 closes (60-150 ms) every 8-9 s at 1,000
   * v1 containers, whose full-read files outnumber the budget: those files were opened again over the next scans
   * anyway, so a close burst bought nothing but a slow scrape.
   */
  sweep(now = Date.now()): void {
    let evict = this.kept.size >= this.maxOpen * 0.9 ? this.evictPerSweep : 0;
    for (const k of this.kept.values()) {
      if (k.seen === this.generation) continue;
      if (now - k.seenAt >= this.idleMs) this.drop(k);
      else if (evict > 0) {
        evict--;
        this.drop(k);
      }
    }
    this.generation++;
    this.generationAt = now;
  }

  /** Close one kept file, if it is kept. */
  forget(path: string): void {
    const k = this.kept.get(path);
    if (k) this.drop(k);
  }

  /** Close every kept file under `dir` (a PID that now belongs to another process). */
  forgetUnder(dir: string): void {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const k of this.kept.values()) if (k.path.startsWith(prefix)) this.drop(k);
  }

  /** Close every kept file directly in one of `dirs` (cgroups that were removed). */
  forgetInDirs(dirs: ReadonlySet<string>): void {
    for (const k of this.kept.values()) if (dirs.has(k.path.slice(0, k.path.lastIndexOf('/')))) this.drop(k);
  }

  close(): void {
    for (const k of this.kept.values()) this.drop(k);
  }

  /** Read a file that is or may be kept into the buffer; its length, or null when gone. */
  private load(path: string, limit: number, oneRecord: boolean, failed: FailureSink | undefined): number | null {
    const kept = this.kept.get(path);
    if (kept) {
      try {
        const n = this.pread(kept.fd, limit, oneRecord);
        kept.seen = this.generation;
        kept.seenAt = this.generationAt;
        return n;
      } catch (err) {
        this.drop(kept);
        if (!isStale(err)) throw err;
        // gone, or replaced under the same path (a recreated cgroup, a reused PID): look again below
      }
    }
    const fd = this.open(path, failed);
    if (fd === null) return null;
    let n: number;
    try {
      n = this.pread(fd, limit, oneRecord);
    } catch (err) {
      closeSync(fd);
      if (reportFailure(err, path, failed) || errnoOf(err) === 'EBADF') return null;
      throw err;
    }
    if (this.mayKeep(path)) this.kept.set(path, { path, fd, seen: this.generation, seenAt: this.generationAt });
    else closeSync(fd);
    return n;
  }

  private mayKeep(path: string): boolean {
    if (this.kept.size >= this.maxOpen) return false;
    const under = path.endsWith('/cgroup.procs') || path.endsWith('/tasks') ? this.procsUnder : this.keepUnder;
    for (const dir of under) if (path.startsWith(dir)) return true;
    return false;
  }

  private open(path: string, failed: FailureSink | undefined): number | null {
    try {
      return openSync(path, 'r');
    } catch (err) {
      if (reportFailure(err, path, failed)) return null;
      if (!isOutOfDescriptors(err) || this.kept.size === 0) throw err;
    }
    this.close(); // the process ran out of descriptors: give ours back and try once more
    return this.open(path, failed);
  }

  /** Read from offset 0 into the reused buffer, growing it for a file larger than it (read.ts: oneRecord). */
  private pread(fd: number, limit: number, oneRecord: boolean): number {
    let total = 0;
    for (;;) {
      const room = Math.min(this.buf.length, limit) - total;
      if (room <= 0) {
        if (this.buf.length >= limit) return total;
        const bigger = Buffer.allocUnsafe(Math.min(limit, this.buf.length * 2));
        this.buf.copy(bigger, 0, 0, total);
        this.buf = bigger;
        continue;
      }
      const n = readSync(fd, this.buf, total, room, total);
      if (n === 0) return total;
      total += n;
      if (oneRecord && n < room) return total;
    }
  }

  private drop(k: Kept): void {
    this.kept.delete(k.path);
    try {
      closeSync(k.fd);
    } catch {
      // already closed: nothing to give back
    }
  }
}
