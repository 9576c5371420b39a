// Files a long-running scanner reads every refresh (cgroup usage files, /proc/<pid>/stat, /proc/stat ...) kept
// open between scans: a pread at offset 0 makes procfs and cgroupfs generate the text afresh, and the open (a path
// walk through kernfs, the larger part of a refresh) and close happen once instead of every second.
// Only files on kernel filesystems are kept (a regular file replaced by rename would be read stale through an old
// descriptor), and only where the caller says so (`keepUnder`). cgroup.procs only on cgroup2 (`procsUnder`): v1
// serves a pidlist cached per open file, so a descriptor kept open there would keep reading the same members.
import { closeSync, openSync, readFileSync, readSync, statfsSync } from 'node:fs';
import { errnoOf, isVanished } from '../errors.js';
import { readBytes, readRecordBytes, readRecordText, readText } from './read.js';

/** The descriptor's process exited (ESRCH), its cgroup was removed (ENODEV), or it was closed under us (EBADF). */
function isStale(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ESRCH' || code === 'ENODEV' || code === 'EBADF' || isVanished(err);
}

const isOutOfDescriptors = (err: unknown) => errnoOf(err) === 'EMFILE' || errnoOf(err) === 'ENFILE';

/**
 * A quarter of this process's descriptor limit, at most 4096: the rest stays free for sockets (the exporter's
 * clients), watchers and one-off reads. 256 when the limit cannot be read.
 */
export function defaultMaxOpen(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return 256;
    }
  }
  const soft = Number(/^Max open files\s+(\S+)/m.exec(text)?.[1]);
  if (Number.isNaN(soft)) return /^Max open files\s+unlimited/m.test(text) ? 4096 : 256;
  return Math.max(0, Math.min(4096, Math.floor(soft / 4)));
}

interface Kept {
  path: string;
  fd: number;
  /** The sweep generation this file was last read in. */
  seen: number;
}

export class OpenFiles {
  private readonly kept = new Map<string, Kept>();
  private buf = Buffer.allocUnsafe(16 * 1024);
  private generation = 0;

  /**
   * @param keepUnder directories on procfs/cgroupfs under which files may be kept open (each ends with '/').
   * @param maxOpen at most this many descriptors are kept; past it files are read the ordinary way.
   * @param procsUnder cgroup2 directories under which cgroup.procs may be kept too (each ends with '/').
   */
  constructor(
    private readonly keepUnder: readonly string[],
    private readonly maxOpen = defaultMaxOpen(),
    private readonly procsUnder: readonly string[] = [],
  ) {}

  get size(): number {
    return this.kept.size;
  }

  /**
   * Up to `limit` bytes of the file, as a view into a buffer reused by the next read (decode it at once); null when
   * the file does not exist or its process or cgroup is gone.
   */
  readView(path: string, limit = 64 * 1024, oneRecord = false): Buffer | null {
    if (!this.kept.has(path) && !this.mayKeep(path)) return oneRecord ? readRecordBytes(path, limit) : readBytes(path, limit);
    const n = this.load(path, limit, oneRecord);
    return n === null ? null : this.buf.subarray(0, n);
  }

  /** The whole file as text (16 MiB bounds a hostile one, as readText); null when absent. */
  readText(path: string, oneRecord = false): string | null {
    if (!this.kept.has(path) && !this.mayKeep(path)) return oneRecord ? readRecordText(path) : readText(path);
    const n = this.load(path, 16 << 20, oneRecord);
    return n === null ? null : this.buf.toString('utf8', 0, n);
  }

  /** Close what was not read since the last sweep: files of processes and cgroups that went away. */
  sweep(): void {
    for (const k of this.kept.values()) if (k.seen !== this.generation) this.drop(k);
    this.generation++;
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

  close(): void {
    for (const k of this.kept.values()) this.drop(k);
  }

  /** Read a file that is or may be kept into the buffer; its length, or null when gone. */
  private load(path: string, limit: number, oneRecord: boolean): number | null {
    const kept = this.kept.get(path);
    if (kept) {
      try {
        const n = this.pread(kept.fd, limit, oneRecord);
        kept.seen = this.generation;
        return n;
      } catch (err) {
        this.drop(kept);
        if (!isStale(err)) throw err;
        // gone, or replaced under the same path (a recreated cgroup, a reused PID): look again below
      }
    }
    const fd = this.open(path);
    if (fd === null) return null;
    let n: number;
    try {
      n = this.pread(fd, limit, oneRecord);
    } catch (err) {
      closeSync(fd);
      if (isStale(err)) return null;
      throw err;
    }
    if (this.mayKeep(path)) this.kept.set(path, { path, fd, seen: this.generation });
    else closeSync(fd);
    return n;
  }

  private mayKeep(path: string): boolean {
    if (this.kept.size >= this.maxOpen) return false;
    const under = path.endsWith('/cgroup.procs') || path.endsWith('/tasks') ? this.procsUnder : this.keepUnder;
    for (const dir of under) if (path.startsWith(dir)) return true;
    return false;
  }

  private open(path: string): number | null {
    try {
      return openSync(path, 'r');
    } catch (err) {
      if (isVanished(err)) return null;
      if (!isOutOfDescriptors(err) || this.kept.size === 0) throw err;
    }
    this.close(); // the process ran out of descriptors: give ours back and try once more
    return this.open(path);
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

/** procfs, sysfs, cgroup v1 and cgroup2 (statfs f_type). */
const KERNEL_FS_MAGIC = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270]);

/** Whether `dir` is a kernel filesystem whose files may be kept open (false for fixture trees, or when unknown). */
export function isKernelFs(dir: string): boolean {
  try {
    return KERNEL_FS_MAGIC.has(Number(statfsSync(dir).type));
  } catch {
    return false;
  }
}

const CGROUP2_MAGIC = 0x63677270;

/** Whether `dir` is on cgroup2, where a kept cgroup.procs reads the members afresh at offset 0. */
export function isCgroup2Fs(dir: string): boolean {
  try {
    return Number(statfsSync(dir).type) === CGROUP2_MAGIC;
  } catch {
    return false;
  }
}

let current: OpenFiles | undefined;

/**
 * Run `fn` with `files` serving the readHot* calls made inside it (the scanner wraps each scan; one-shot callers,
 * outside any scan, read files the ordinary way). Scans are synchronous, so one is active at a time.
 */
export function withOpenFiles<T>(files: OpenFiles | undefined, fn: () => T): T {
  const before = current;
  current = files;
  try {
    return fn();
  } finally {
    current = before;
  }
}

/** A file read every refresh, as text; null when absent. */
export function readHotText(path: string): string | null {
  return current ? current.readText(path) : readText(path);
}

/** readHotText for a one-record kernel file (read.ts: readRecordText). */
export function readHotRecordText(path: string): string | null {
  return current ? current.readText(path, true) : readRecordText(path);
}

/** Up to `limit` bytes of a one-record kernel file read every refresh (read.ts: readRecordText); the buffer may be
 * reused by the next read. */
export function readHotRecordBytes(path: string, limit: number): Buffer | null {
  return current ? current.readView(path, limit, true) : readRecordBytes(path, limit);
}

/** A decimal integer file read every refresh (one record); null when absent or not a number. */
export function readHotInt(path: string): number | null {
  const t = readHotRecordText(path);
  if (t === null) return null;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : null;
}
