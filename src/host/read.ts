// Small-file reads for procfs and cgroupfs: open/read/close into a reused buffer (procfs reports size 0, so
// readFileSync's stat-then-read dance is wasted work on the hot path). Missing or vanished files return null.
import { closeSync, openSync, readSync, readlinkSync, readdirSync } from 'node:fs';
import { isVanished } from '../errors.js';

const SHARED = Buffer.allocUnsafe(64 * 1024);

/** Read up to `limit` bytes of a file; null when it does not exist or the process vanished. */
export function readBytes(path: string, limit = SHARED.length): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
  try {
    const buf = limit <= SHARED.length ? SHARED : Buffer.allocUnsafe(limit);
    let total = 0;
    while (total < limit) {
      const n = readSync(fd, buf, total, limit - total, null);
      if (n === 0) break;
      total += n;
    }
    return Buffer.from(buf.subarray(0, total));
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Read a small text file (ASCII/UTF-8 content by kernel contract); null when absent. */
export function readText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
  try {
    let total = 0;
    for (;;) {
      const n = readSync(fd, SHARED, total, SHARED.length - total, null);
      if (n === 0) break;
      total += n;
      if (total === SHARED.length) {
        // larger than the shared buffer (a huge memory.stat or mountinfo): fall back to growing reads
        const chunks = [Buffer.from(SHARED)];
        for (;;) {
          const more = Buffer.allocUnsafe(64 * 1024);
          const m = readSync(fd, more, 0, more.length, null);
          if (m === 0) break;
          chunks.push(more.subarray(0, m));
        }
        return Buffer.concat(chunks).toString('utf8');
      }
    }
    return SHARED.toString('utf8', 0, total);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  } finally {
    closeSync(fd);
  }
}

export function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (err) {
    if (isVanished(err)) return [];
    throw err;
  }
}

/** Parse a decimal integer file; null when absent or not a number. */
export function readInt(path: string): number | null {
  const t = readText(path);
  if (t === null) return null;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : null;
}
