// What a runtime's state files were when a claim read them, so a claim past its TTL can be kept when none of them
// changed: one stat() per file instead of reading and parsing it (1,000 state files every 5 s at 1,000 containers).
// A stamp is the file's inode, size, mtime and ctime; a rename over the file changes the inode (and ctime), an
// in-place rewrite the mtime and ctime. A file changed within RACY_MS of its stamp is never trusted (git's "racy
// git" rule): two writes in one timestamp tick would otherwise look alike.
import { statSync } from 'node:fs';

/** How long after its last change a file's stamp is trusted to show the next change (well over a timestamp tick). */
const RACY_MS = 2000;

export interface StateStamp {
  path: string;
  /** null: the file was absent */
  ino: number | null;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The file's stamp now (taken before it is read: a change between stamp and read shows as a changed stamp). */
export function stampOf(path: string): StateStamp {
  const st = statSync(path, { throwIfNoEntry: false });
  return st
    ? { path, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs }
    : { path, ino: null, size: 0, mtimeMs: 0, ctimeMs: 0 };
}

/** A stamp taken at `takenAt` that can show a later change: the file was absent, or had not changed for RACY_MS. */
export function trustworthy(s: StateStamp, takenAt: number): boolean {
  return s.ino === null || Math.max(s.mtimeMs, s.ctimeMs) < takenAt - RACY_MS;
}

/** Every file still as its stamp says (a stat error, e.g. EACCES, counts as a change: the claim is made again). */
export function unchanged(stamps: readonly StateStamp[]): boolean {
  for (const s of stamps) {
    let now: StateStamp;
    try {
      now = stampOf(s.path);
    } catch {
      return false;
    }
    if (now.ino !== s.ino || now.size !== s.size || now.mtimeMs !== s.mtimeMs || now.ctimeMs !== s.ctimeMs) return false;
  }
  return true;
}

/** The stamps of the state files read while a claim was made; `opaque` when it read anything else. */
export class StampRecorder {
  readonly stamps: StateStamp[] = [];
  opaque = false;

  /** `at`: when the claim is made (a stamp of a file changed within RACY_MS before it is not trusted) */
  constructor(readonly at = Date.now()) {}

  stamp(path: string): void {
    let s: StateStamp;
    try {
      s = stampOf(path);
    } catch {
      this.opaque = true; // a stat that fails (EACCES) says nothing about the next one: re-read each TTL
      return;
    }
    if (!trustworthy(s, this.at)) this.opaque = true;
    this.stamps.push(s);
  }
}
