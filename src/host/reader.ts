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
    return readText(path, this.sink(mustExist));
  }

  /**
   * A runtime's state file (config.v2.json, an LXC config): another program's output, so a directory in its place is
   * a malformed entry to note, not an error that ends the scan.
   */
  stateText(path: string): string | null {
    try {
      return this.text(path);
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
    return existsSync(path) ? this.stateText(path) : null;
  }

  /** A one-record kernel file read once (read.ts: readRecordText). */
  recordText(path: string, mustExist = false): string | null {
    return readRecordText(path, this.sink(mustExist));
  }

  /** Up to `limit` bytes of a file read once (a command line). */
  bytes(path: string, limit: number, mustExist = false): Buffer | null {
    return readBytes(path, limit, this.sink(mustExist));
  }

  link(path: string, mustExist = false): string | null {
    return readLink(path, this.sink(mustExist));
  }

  list(dir: string, mustExist = false): string[] {
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
