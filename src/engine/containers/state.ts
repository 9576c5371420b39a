// state.json (written only here, atomically) and exit.json (written only by the shim): a reader folds the latter
// into the former, so a container whose init has exited reads as exited whoever looks first.
import { readFileSync } from 'node:fs';
import type { ContainerCgroup } from './cgroups.js';
import { bundlePath } from './paths.js';
import { replaceFile } from './replace-file.js';
import type { ContainerSpec } from './spec.js';
import type { NetworkAttachment } from '../network/attach.js';

export type ContainerStatus = 'created' | 'running' | 'exited';

export interface ContainerState {
  id: string;
  name: string;
  /** The image reference as the user typed it. */
  image: string;
  imageId: string;
  status: ContainerStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  exitSignal: number | null;
  oomKilled: boolean;
  /** The init's host PID and its start time (clock ticks since boot, /proc/<pid>/stat field 22): PID reuse check. */
  pid: number | null;
  pidStartTime: number | null;
  shimPid: number | null;
  shimStartTime: number | null;
  labels: Record<string, string>;
  bundle: string;
  /** --rm: remove once it has exited. */
  autoRemove: boolean;
  cgroup: ContainerCgroup;
  config: ContainerSpec;
  /** Bridge or container:<ref> networking: the namespace, address and published ports (absent for none/host). */
  net?: NetworkAttachment;
}

export interface ExitRecord {
  exitCode: number;
  signal: number | null;
  oomKilled: boolean;
  finishedAt: string;
  pid: number;
}

export function readExitRecord(root: string, id: string): ExitRecord | null {
  let text: string;
  try {
    text = readFileSync(bundlePath(root, id, 'exit'), 'utf8');
  } catch {
    return null;
  }
  try {
    const e = JSON.parse(text) as Partial<ExitRecord>;
    if (typeof e.exitCode !== 'number') return null;
    return { exitCode: e.exitCode, signal: typeof e.signal === 'number' ? e.signal : null, oomKilled: e.oomKilled === true, finishedAt: String(e.finishedAt ?? ''), pid: Number(e.pid) };
  } catch {
    return null; // the shim renames it into place whole; anything else is not its file
  }
}

/** The state as stored, without the exit fold; null if the container does not exist (or is half-created). */
export function readRawState(root: string, id: string): ContainerState | null {
  try {
    return JSON.parse(readFileSync(bundlePath(root, id, 'state'), 'utf8')) as ContainerState;
  } catch {
    return null;
  }
}

/** Folds exit.json in: a running container whose init has exited is exited, with its code and OOM flag. */
export function foldExit(state: ContainerState, exit: ExitRecord | null): ContainerState {
  if (!exit || state.status !== 'running') return state;
  return { ...state, status: 'exited', exitCode: exit.exitCode, exitSignal: exit.signal, oomKilled: exit.oomKilled, finishedAt: exit.finishedAt || new Date().toISOString() };
}

export function readState(root: string, id: string): ContainerState | null {
  const state = readRawState(root, id);
  return state && foldExit(state, state.status === 'running' ? readExitRecord(root, id) : null);
}

export function writeState(root: string, state: ContainerState): void {
  replaceFile(bundlePath(root, state.id, 'state'), JSON.stringify(state, null, 2) + '\n');
}
