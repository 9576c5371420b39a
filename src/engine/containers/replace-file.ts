// Container files other processes read while we write (state.json, config.json, launch.conf): a temp file renamed
// over the old one, so a reader sees the old or the new content whole. No fsync: these describe live processes
// that a crash ends anyway, and three fsyncs would cost more than the rest of `tctop run` (ext4: ~6 ms each).
// Synchronous: a few KiB written and renamed take ~0.1 ms, less than the round trips through libuv's thread pool
// that the async calls cost (`tctop run` writes three of them before its container starts: ~1.5 ms saved).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from '../random.js';

/** Mode 0600 by default: these files hold the container's environment, which may carry secrets (as docker's). */
export function replaceFile(path: string, data: string, mode = 0o600): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data, { mode, flag: 'wx' });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
