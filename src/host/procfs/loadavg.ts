// /proc/loadavg ends with the PID most recently allocated in the reader's PID namespace: a one-read test of
// "has any process been created since last time", and the range the new PIDs lie in.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';

export function parseLastPid(text: string | null): number | undefined {
  if (!text) return undefined;
  const n = Number(text.trim().split(/\s+/)[4]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function readLastPid(r: HostReader): number | undefined {
  const path = join(r.paths.proc, 'loadavg');
  const text = r.hotRecordText(path);
  const last = parseLastPid(text);
  if (text !== null && last === undefined) r.malformed(path, 'no last-PID field');
  return last;
}
