// /proc/<pid>/cmdline: NUL-separated argv, possibly megabytes long and not UTF-8. Bounded read, lossless decode.
import { decodeHostBytes } from '../../text/sanitize.js';
import type { HostReader } from '../reader.js';

/** Enough for any table or inspect output; longer command lines are cut and marked. */
export const CMDLINE_LIMIT = 32 * 1024;

export function parseCmdline(buf: Buffer): string[] {
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--;
  if (end === 0) return [];
  const args: string[] = [];
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || buf[i] === 0) {
      args.push(decodeHostBytes(buf.subarray(start, i)));
      start = i + 1;
    }
  }
  return args;
}

/** `mustExist`: the process is one the scan wants, so its absence is noted as vanished. */
export function readCmdline(r: HostReader, pid: number, mustExist = false): string[] | null {
  // one byte past the limit tells a command line of exactly the limit from a longer one; the path concatenated, as
  // readStat's (paths.proc is normalised): inspect's selection reads 900 shims' at 1,000 containers, 35-43 -> 29-31 ms
  // of CPU in a cold process with path.join gone
  const read = r.bytes(`${r.paths.proc}/${pid}/cmdline`, CMDLINE_LIMIT + 1, mustExist);
  if (read === null) return null;
  const cut = read.length > CMDLINE_LIMIT;
  const args = parseCmdline(cut ? read.subarray(0, CMDLINE_LIMIT) : read);
  if (cut && args.length) args[args.length - 1] += '…';
  return args;
}
