// The engine's side of state.json and exit.json (their shapes and the fold: src/engine-contract/records.ts): the
// engine writes state.json, only here, atomically; the shim writes exit.json; a read folds the latter in.
import { readFileSync } from 'node:fs';
import { foldExit, mayHaveExited, parseExitRecord, type ExitRecord, type StateRecord } from '../../engine-contract/records.js';
import type { ContainerCgroup } from './cgroups.js';
import { bundlePath } from './paths.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { ContainerSpec } from './spec.js';

export type { ExitRecord };

/** state.json as the engine writes it: the contract's fields plus the engine's own. */
export interface ContainerState extends StateRecord {
  cgroup: ContainerCgroup;
  config: ContainerSpec;
}

export function readExitRecord(root: string, id: string): ExitRecord | null {
  let text: string;
  try {
    text = readFileSync(bundlePath(root, id, 'exit'), 'utf8');
  } catch {
    return null;
  }
  return parseExitRecord(text);
}

/** The state as stored, without the exit fold; null if the container does not exist (or is half-created). */
export function readRawState(root: string, id: string): ContainerState | null {
  try {
    return JSON.parse(readFileSync(bundlePath(root, id, 'state'), 'utf8')) as ContainerState;
  } catch {
    return null;
  }
}

export function readState(root: string, id: string): ContainerState | null {
  const state = readRawState(root, id);
  return state && foldExit(state, mayHaveExited(state) ? readExitRecord(root, id) : null);
}

export function writeState(root: string, state: ContainerState): void {
  writeFileAtomic(bundlePath(root, state.id, 'state'), JSON.stringify(state, null, 2) + '\n', { durable: false }); // atomic-write.ts: why not durable
}
