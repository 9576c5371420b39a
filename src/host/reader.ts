// The one object every host reader reads through: bound to the root the host is read under, holding the files a
// long-running scanner keeps open between scans (open-files.ts) and its cache of limit files (spec-cache.ts), and
// keeping a note of each read that failed, by kind (read-failure.ts). A one-shot caller makes a bare one: every read
// then opens and closes its file.
//
// A missing file is often normal (a controller the cgroup lacks, a kernel without PSI or the time namespace), so
// it is noted as "vanished" only where the caller says the file must exist (`mustExist`: a process's own files,
// whose absence means it exited). Denied and malformed reads are always noted.
import { existsSync } from 'node:fs';
import type { SpecCache } from './cgroupfs/spec-cache.js';
import type { OpenFiles } from './open-files.js';
import type { HostPaths } from './paths.js';
import { errnoOf, reportFailure, type FailureSink, type ReadNote } from './read-failure.js';
import { StampRecorder, type StateStamp } from './state-stamps.js';
import { listDir, readBytes, readLink, readRecordBytes, readRecordText, readText } from './read.js';

export interface HostReaderOptions {
  /** Files read every scan, kept open between scans; without it each read opens and closes its file. */
  files?: OpenFiles;
  /** Limit and setting files, re-read only once their entry is old; without it they are read every time. */
  specs?: SpecCache;
  /** false: keep no notes (a survey whose failures are not the snapshot's, see pid-index.ts). */
  keepNotes?: boolean;
}

export class HostReader {
  private notes: ReadNote[] = [];
  private readonly noteAny: FailureSink = (path, kind, reason) => this.note(path, kind, reason);
  private readonly noteUnlessVanished: FailureSink = (path, kind, reason) => {
    if (kind !== 'vanished') this.note(path, kind, reason);
  };

  constructor(
    readonly paths: HostPaths,
    private readonly options: HostReaderOptions = {},
  ) {}

  /** Set while a claim is made (stamped): the state files it reads are stamped, any other read makes it opaque. */
  private recorder: StampRecorder | undefined;

  /**
   * `make`'s answer and the stamps of the state files it read (stateText, optionalStateText, exists); null stamps
   * when it read anything else or a file had just changed: its answer can then only be checked by making it again.
   */
  stamped<T>(make: () => T, at = Date.now()): { value: T; stamps: StateStamp[] | null } {
    const outer = this.recorder;
    const rec = new StampRecorder(at);
    this.recorder = rec;
    try {
      const value = make();
      return { value, stamps: rec.opaque ? null : rec.stamps };
    } finally {
      this.recorder = outer;
      if (outer && rec.opaque) outer.opaque = true;
      else if (outer) outer.stamps.push(...rec.stamps);
    }
  }

  /** A claim depends on something no stamp shows (a read, a memo of one made earlier in the scan). */
  unstamped(): void {
    if (this.recorder) this.recorder.opaque = true;
  }

  private sink(mustExist: boolean): FailureSink {
    return mustExist ? this.noteAny : this.noteUnlessVanished;
  }

  /** A multi-record file read every scan (cgroup.procs, net/dev) as text; null when gone or unreadable. */
  hotText(path: string, mustExist = false): string | null {
    const files = this.options.files;
    return files ? files.readText(path, false, this.sink(mustExist)) : readText(path, this.sink(mustExist));
  }

  /** A one-record kernel file read every scan (read.ts: readRecordText). */
  hotRecordText(path: string, mustExist = false): string | null {
    const files = this.options.files;
    return files ? files.readText(path, true, this.sink(mustExist)) : readRecordText(path, this.sink(mustExist));
  }

  /** Up to `limit` bytes of a one-record kernel file read every scan; the buffer may be reused by the next read. */
  hotRecordBytes(path: string, limit: number, mustExist = false): Buffer | null {
    const files = this.options.files;
    return files ? files.readView(path, limit, true, this.sink(mustExist)) : readRecordBytes(path, limit, this.sink(mustExist));
  }

  /** A decimal integer file read every scan (one record); null when absent, unreadable or not a number. */
  hotInt(path: string): number | null {
    const t = this.hotRecordText(path);
    if (t === null) return null;
    const n = Number(t.trim());
    if (Number.isFinite(n)) return n;
    this.malformed(path, 'not a number');
    return null;
  }

  /** A file read once (not kept open), as text. */
  text(path: string, mustExist = false): string | null {
    this.unstamped();
    return readText(path, this.sink(mustExist));
  }

  /**
   * A runtime's state file (config.v2.json, an LXC config): another program's output, so a directory in its place is
   * a malformed entry to note, not an error that ends the scan.
   */
  stateText(path: string): string | null {
    this.recorder?.stamp(path);
    try {
      return readText(path, this.noteUnlessVanished);
    } catch (err) {
      if (errnoOf(err) !== 'EISDIR') throw err;
      this.malformed(path, 'a directory, not a file');
      return null;
    }
  }

  /**
   * stateText for a file whose absence is the usual case (an exit record while the container runs): one access()
   * finds it absent, where a failed open costs a thrown error (~15 us each, 1,800 of them at 900 containers).
   */
  optionalStateText(path: string): string | null {
    if (existsSync(path)) return this.stateText(path);
    this.recorder?.stamp(path);
    return null;
  }

  /** Whether a runtime's file is there (nspawn's machine images): stamped as a state file. */
  exists(path: string): boolean {
    this.recorder?.stamp(path);
    return existsSync(path);
  }

  /** A one-record kernel file read once (read.ts: readRecordText). */
  recordText(path: string, mustExist = false): string | null {
    this.unstamped();
    return readRecordText(path, this.sink(mustExist));
  }

  /** Up to `limit` bytes of a file read once (a command line). */
  // not unstamped: it reads command lines, a claim's the shim's, whose identity the claim cache checks itself
  bytes(path: string, limit: number, mustExist = false): Buffer | null {
    return readBytes(path, limit, this.sink(mustExist));
  }

  link(path: string, mustExist = false): string | null {
    this.unstamped();
    return readLink(path, this.sink(mustExist));
  }

  list(dir: string, mustExist = false): string[] {
    this.unstamped();
    return listDir(dir, this.sink(mustExist));
  }

  /** A limit or setting file (memory.max, cpu.cfs_quota_us ...): they change rarely, so they may be cached. */
  spec(path: string): string | null {
    const specs = this.options.specs;
    return specs ? specs.read(path, this.noteUnlessVanished) : readRecordText(path, this.noteUnlessVanished);
  }

  /** A failed read made by other means (a readdir with file types, a stat): noted, and true when it was the host
   * racing or refusing (return the empty answer) rather than an error to throw. */
  caught(err: unknown, path: string, mustExist = false): boolean {
    return reportFailure(err, path, this.sink(mustExist));
  }

  /** A file that was read but did not parse. */
  malformed(path: string, what: string): void {
    this.note(path, 'malformed', what);
  }

  private note(path: string, kind: ReadNote['kind'], reason: string): void {
    if (this.options.keepNotes ?? true) this.notes.push({ path, kind, reason });
  }

  /** The notes since the last call (a scan takes them at its end), one per path: a process read twice in a scan
   * (a member, then a shim's parent) that vanished is one path the scan could not read. */
  takeNotes(): ReadNote[] {
    const out = this.notes;
    this.notes = [];
    if (out.length < 2) return out;
    const seen = new Set<string>();
    return out.filter((n) => !seen.has(n.path) && seen.add(n.path));
  }
}
