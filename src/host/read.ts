// Small-file reads for procfs and cgroupfs: open/read/close into a reused buffer (procfs reports size 0, so
// readFileSync's stat-then-read dance is wasted work on the hot path). A file that is gone or may not be read returns
// null, and `failed` (when given) is told which of the two it was (read-failure.ts).
import { closeSync, openSync, readSync, readlinkSync, readdirSync } from 'node:fs';
import { reportFailure, type FailureSink } from './read-failure.js';

const SHARED = Buffer.allocUnsafe(64 * 1024);

/**
 * Read a file up to `limit` bytes; null when it does not exist or its process vanished. `oneRecord`: the file is
 * generated as one record (see readRecordText), so a read shorter than asked for is its end and no second read is
 * needed to find that out.
 */
function readBounded(path: string, limit: number, asText: false, oneRecord: boolean, failed?: FailureSink): Buffer | null;
function readBounded(path: string, limit: number, asText: true, oneRecord: boolean, failed?: FailureSink): string | null;
function readBounded(path: string, limit: number, asText: boolean, oneRecord: boolean, failed?: FailureSink): Buffer | string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (reportFailure(err, path, failed)) return null;
    throw err;
  }
  try {
    // fill the shared buffer (one read for most kernel files), spilling to copies only past 64 KiB
    const spilled: Buffer[] = [];
    let spilledBytes = 0;
    let used = 0;
    while (spilledBytes + used < limit) {
      if (used === SHARED.length) {
        spilled.push(Buffer.from(SHARED));
        spilledBytes += used;
        used = 0;
      }
      const asked = Math.min(SHARED.length - used, limit - spilledBytes - used);
      const n = readSync(fd, SHARED, used, asked, null);
      if (n === 0) break;
      used += n;
      if (oneRecord && n < asked) break;
    }
    if (spilled.length === 0) return asText ? SHARED.toString('utf8', 0, used) : Buffer.from(SHARED.subarray(0, used));
    const all = Buffer.concat([...spilled, SHARED.subarray(0, used)]);
    return asText ? all.toString('utf8') : all;
  } catch (err) {
    if (reportFailure(err, path, failed)) return null;
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Read up to `limit` bytes of a file (a command line). */
export function readBytes(path: string, limit = SHARED.length, failed?: FailureSink): Buffer | null {
  return readBounded(path, limit, false, false, failed);
}

/** Read a text file whole (kernel files are ASCII; 16 MiB bounds a hostile one); null when absent. */
export function readText(path: string, failed?: FailureSink): string | null {
  return readBounded(path, 16 << 20, true, false, failed);
}

/**
 * readText for a file the kernel generates as one record: /proc/<pid>/{stat,status,cgroup}, /proc/{stat,meminfo,
 * loadavg}, sysctl files, and every cgroup control file except the member lists (cgroup.procs, tasks,
 * cgroup.threads). One read returns all of it when the buffer has room (a regular file's short read is its end too),
 * so the read that would only find the end is skipped: ~a thousand syscalls in a cold scan of 30 containers.
 * Never for a multi-record file (cgroup.procs, /proc/<pid>/net/*, mountinfo): one read of those may stop at a page
 * with more to come.
 */
export function readRecordText(path: string, failed?: FailureSink): string | null {
  return readBounded(path, 16 << 20, true, true, failed);
}

/** readBytes for a one-record kernel file (see readRecordText). */
export function readRecordBytes(path: string, limit = SHARED.length, failed?: FailureSink): Buffer | null {
  return readBounded(path, limit, false, true, failed);
}

export function readLink(path: string, failed?: FailureSink): string | null {
  try {
    return readlinkSync(path);
  } catch (err) {
    if (reportFailure(err, path, failed)) return null;
    throw err;
  }
}

export function listDir(path: string, failed?: FailureSink): string[] {
  try {
    return readdirSync(path);
  } catch (err) {
    if (reportFailure(err, path, failed)) return [];
    throw err;
  }
}
