// The content digests of the files a build copied, kept by what lstat said of each (<root>/images/build-cache/
// file-digests.json), as git's index and BuildKit's checksum cache keep theirs: a rebuild whose files are unchanged
// finds each file's digest without opening it (a cached rebuild of a 51-file context: ~2 ms of its ~45).
//
// Why a matching lstat proves the content: every write to a file moves its ctime, and no call can set ctime back
// (utimensat sets mtime and moves ctime too). The one gap is a write in the same clock tick as the last one before
// the file was read: the kernel stamps times from a coarse clock. As git does with "racily clean" entries, a digest
// is kept only when the file's ctime is older than the moment of its reading by far more than a tick, so a file
// written just before a build is read again by the next one. A clock stepped back by more than that margin is the
// remaining hole, as it is git's. Bounded (the newest entries kept), a damaged file is an empty cache, written whole
// or not at all, and never read or written by a --no-cache build.
import { readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { imagesDir } from '../images/store-paths.js';
import { writeNewestWithin } from './bounded-json.js';

/** Far above any timestamp granularity (a jiffy, ~4 ms; FAT's 2 s) and the coarse clock's lag behind Date.now(). */
export const RACY_MARGIN_MS = 3000;
/** The file's bound, in characters of JSON: ~6,000 files at ~170 bytes each, parsed in a few ms. */
const FILE_MAX = 1 << 20;

const HEX64 = /^[0-9a-f]{64}$/;

/** [path, dev, ino, size, mode, mtimeMs, ctimeMs, sha256 hex] */
type Entry = [string, number, number, number, number, number, number, string];

export function fileDigestsPath(root: string): string {
  return join(imagesDir(root), 'build-cache', 'file-digests.json');
}

function matches(e: Entry, st: Stats): boolean {
  return e[1] === st.dev && e[2] === st.ino && e[3] === st.size && e[4] === st.mode && e[5] === st.mtimeMs && e[6] === st.ctimeMs;
}

function isEntry(e: unknown): e is Entry {
  if (!Array.isArray(e) || e.length !== 8 || typeof e[0] !== 'string' || typeof e[7] !== 'string' || !HEX64.test(e[7])) return false;
  for (let i = 1; i < 7; i++) if (typeof e[i] !== 'number') return false;
  return true;
}

export class FileDigests {
  private readonly entries = new Map<string, Entry>();
  private added = false;

  private constructor(private readonly path: string | null) {}

  /** Keeps nothing: every file is read (a --no-cache build). */
  static none(): FileDigests {
    return new FileDigests(null);
  }

  static load(root: string): FileDigests {
    const cache = new FileDigests(fileDigestsPath(root));
    try {
      const list = JSON.parse(readFileSync(cache.path!, 'utf8')) as unknown;
      if (Array.isArray(list)) for (const e of list) if (isEntry(e)) cache.entries.set(e[0], e);
    } catch {
      // none yet, or damaged: an empty cache, rewritten by this build if it reads any file
    }
    return cache;
  }

  /** The sha256 hex of the file at `path` when `st` (its lstat now) is what it was when the digest was taken. */
  get(path: string, st: Stats): string | undefined {
    const e = this.entries.get(path);
    return e && matches(e, st) ? e[7] : undefined;
  }

  /** Records `hex` as the content of the file `st` describes, read at `readAt` (Date.now() before reading it). */
  set(path: string, st: Stats, hex: string, readAt: number): void {
    if (this.path === null || !(st.ctimeMs < readAt - RACY_MARGIN_MS)) return;
    this.entries.delete(path); // re-inserted last: the newest entries are the ones kept
    this.entries.set(path, [path, st.dev, st.ino, st.size, st.mode, st.mtimeMs, st.ctimeMs, hex]);
    this.added = true;
  }

  /** Writes the cache if this build added to it, the oldest entries dropped to keep it within its bound. */
  save(): void {
    if (this.path === null || !this.added) return;
    if (writeNewestWithin(this.path, [...this.entries.values()], FILE_MAX)) this.added = false;
  }
}
