// Files other processes read while we write (state.json, config.json, launch.conf, the image store's
// repositories.json and configs): a temp file created exclusively beside the target, renamed over it, so a reader
// sees the old or the new content whole, never half.
//
// Durable by default: the data and then the rename are fsynced, so a crash leaves the old or the new file, never an
// empty one (the image store's registry must survive one). A container's own files opt out (`durable: false`):
// they describe live processes that a crash ends anyway, and three fsyncs would cost more than the rest of
// `tctop run` (ext4: ~6 ms each).
// Synchronous: a few KiB written and renamed take ~0.1 ms, less than the round trips through libuv's thread pool
// that the async calls cost (`tctop run` writes three of them before its container starts: ~1.5 ms saved).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from './random.js';

export interface AtomicWriteOptions {
  /** 0600 by default: container files hold the container's environment, which may carry secrets (as docker's). */
  mode?: number;
  /** fsync the file and its directory (default true). */
  durable?: boolean;
}

/** Replaces `path` (whose directory must exist) with `data`, whole or not at all. */
export function writeFileAtomic(path: string, data: string | Buffer, { mode = 0o600, durable = true }: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  if (durable) fsyncDir(dir); // the rename itself survives a crash
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
