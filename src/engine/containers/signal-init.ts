// Signals go to the init's host PID only while /proc says it is still the process we started (no PID reuse).
import { ConflictError } from '../../errors.js';
import { isSameProcess } from './proc-identity.js';
import type { ContainerState } from './state.js';

/** True if delivered; false if the init is already gone. */
export function signalInit(state: ContainerState, signal: number): boolean {
  if (!isSameProcess(state.pid, state.pidStartTime)) return false;
  try {
    process.kill(state.pid!, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export function requireRunning(state: ContainerState): void {
  if (state.status !== 'running') throw new ConflictError(`container ${state.name} is not running`);
}
