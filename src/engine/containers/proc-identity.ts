// A PID names a process only together with its start time: PIDs are reused, so a signal goes to a recorded PID only
// if /proc/<pid>/stat still shows the start time recorded when it was ours.
import { readFileSync } from 'node:fs';

/** Start time in clock ticks since boot (stat field 22), or null if the process is gone. */
export function processStartTime(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm (field 2) may hold spaces and parens: fields after it start at the last ')'
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = Number(rest[19]);
  const state = rest[0];
  if (state === 'Z' || state === 'X') return null; // a zombie is gone in every sense that matters here
  return Number.isFinite(start) ? start : null;
}

export function isSameProcess(pid: number | null, startTime: number | null): boolean {
  return pid !== null && pid > 0 && startTime !== null && processStartTime(pid) === startTime;
}
