// The engine's one lock helper (containers/locks.ts: names and containers; images/store-lock.ts: the image store):
// proper-lockfile locks, a `<path>.lock` directory whose mtime the holder keeps fresh. A crashed holder's lock goes
// stale and is taken over.
//
// Uncontended, the lock is taken here with proper-lockfile's own protocol (mkdir, then an mtime refresh every
// stale/2); only when that mkdir finds the lock held is the library loaded to wait, retry and detect staleness. Loading
// it (with graceful-fs, retry, signal-exit) is ~10 ms, a noticeable part of `tctop run --rm`, which takes three locks.
// The fast path's mkdir and rmdir are synchronous: each takes microseconds, a round trip through libuv's thread pool
// up to half a millisecond on a busy host.
import { mkdirSync, promises as fsp, rmdirSync } from 'node:fs';
import { ConflictError, errnoOf } from '../errors.js';

const STALE_MS = 10_000;

type Release = () => Promise<void>;

function tryFastLock(path: string): Release | null {
  const lockDir = `${path}.lock`;
  try {
    mkdirSync(lockDir);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return null;
    throw err;
  }
  const refresh = setInterval(() => {
    const now = new Date();
    fsp.utimes(lockDir, now, now).catch(() => {});
  }, STALE_MS / 2);
  refresh.unref();
  return async () => {
    clearInterval(refresh);
    try {
      rmdirSync(lockDir);
    } catch {
      /* taken over as stale meanwhile: nothing of ours left to remove */
    }
  };
}

async function libraryLock(path: string): Promise<Release> {
  const { default: lockfile } = await import('proper-lockfile');
  return lockfile.lock(path, {
    realpath: false,
    stale: STALE_MS,
    retries: { retries: 300, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
    onCompromised: () => {}, // a lock lost to staleness: the holder finishes; nothing to recover here
  });
}

/**
 * Runs `fn` holding the lock `<path>.lock` (its directory must exist); waits up to ~30 s for another holder, then
 * fails with a ConflictError saying `what` is locked.
 */
export async function withFileLock<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  let release: Release;
  try {
    release = tryFastLock(path) ?? (await libraryLock(path));
  } catch (err) {
    throw new ConflictError(`${what} is locked by another tctop process (${(err as Error).message})`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
