// Container files other processes read while we write (state.json, config.json, launch.conf): a temp file renamed
// over the old one, so a reader sees the old or the new content whole. No fsync: these describe live processes
// that a crash ends anyway, and three fsyncs would cost more than the rest of `tctop run` (ext4: ~6 ms each).
import { randomBytes } from '../random.js';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode 0600 by default: these files hold the container's environment, which may carry secrets (as docker's). */
export async function replaceFile(path: string, data: string, mode = 0o600): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
