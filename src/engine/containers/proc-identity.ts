// A PID names a process only together with its start time: PIDs are reused, so a signal goes to a recorded PID only
// if /proc/<pid>/stat still shows the start time recorded when it was ours.
import { readFileSync } from 'node:fs';
import { parseStat } from '../../host/procfs/stat.js';

/** Start time in clock ticks since boot (stat field 22), or null if the process is gone. */
export function processStartTime(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const stat = parseStat(text);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return null; // a zombie is gone in every sense that matters here
  return Number.isFinite(stat.startTicks) ? stat.startTicks : null;
}

export function isSameProcess(pid: number | null, startTime: number | null): boolean {
  return pid !== null && pid > 0 && startTime !== null && processStartTime(pid) === startTime;
}
