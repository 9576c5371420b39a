// run.json, written by the shim at every (re)start of the init under a restart policy (docs/engine-contract.md, "Terminals, attach and restart policies"):
// the current init's PID and start time, how many restarts so far, whether it waits to restart now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerDir } from './paths.js';
import type { ContainerState } from './state.js';

export interface RunRecord {
  pid: number;
  pidStartTime: number | null;
  restartCount: number;
  startedAt: string;
  restarting: boolean;
  lastExitCode: number | null;
}

export function runRecordPath(root: string, id: string): string {
  return join(containerDir(root, id), 'run.json');
}

export function readRunRecord(root: string, id: string): RunRecord | null {
  try {
    const r = JSON.parse(readFileSync(runRecordPath(root, id), 'utf8')) as Partial<RunRecord>;
    if (typeof r.pid !== 'number' || typeof r.restartCount !== 'number') return null;
    return {
      pid: r.pid,
      pidStartTime: typeof r.pidStartTime === 'number' ? r.pidStartTime : null,
      restartCount: r.restartCount,
      startedAt: String(r.startedAt ?? ''),
      restarting: r.restarting === true,
      lastExitCode: typeof r.lastExitCode === 'number' ? r.lastExitCode : null,
    };
  } catch {
    return null; // none (no restart policy), or not the shim's whole file
  }
}

/** A running container's current init (a restart changed it) and its restart count, from run.json. */
export function foldRun(root: string, state: ContainerState): ContainerState {
  const run = state.status === 'created' ? null : readRunRecord(root, state.id);
  if (!run) return state;
  const folded: ContainerState = { ...state, restartCount: run.restartCount };
  if (state.status !== 'running') return folded;
  folded.restarting = run.restarting;
  if (!run.restarting && run.pidStartTime !== null) {
    folded.pid = run.pid;
    folded.pidStartTime = run.pidStartTime;
  }
  return folded;
}
