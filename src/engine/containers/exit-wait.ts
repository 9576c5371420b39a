// Waiting for a container to exit: exit.json appears (renamed into place by the shim) in the state dir, seen through
// inotify with a slow poll as a safety net. A shim that died without writing it ends the wait instead of hanging it.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { NativeError, NotFoundError } from '../../errors.js';
import { containerDir } from './paths.js';
import { isSameProcess } from './proc-identity.js';
import { readExitRecord, type ContainerState, type ExitRecord } from './state.js';

export function shimAlive(state: ContainerState): boolean {
  return isSameProcess(state.shimPid, state.shimStartTime);
}

export class ShimDeadError extends NativeError {}

export function shimDeadError(state: ContainerState): ShimDeadError {
  return new ShimDeadError(`the shim of container ${state.name} (PID ${state.shimPid}) died without recording how the container ended`);
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Called on every change in the state dir (log followers read more). */
  onChange?: () => void;
  signal?: AbortSignal;
}

/**
 * Resolves with the exit record, or null on timeout/abort; rejects with ShimDeadError when the shim is gone
 * without an exit record. The state must be one with status "running" (shimPid recorded).
 */
export function waitForExit(root: string, state: ContainerState, opts: WaitOptions = {}): Promise<ExitRecord | null> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const check = () => {
      opts.onChange?.();
      const exit = readExitRecord(root, state.id);
      if (exit) return finish(() => resolve(exit));
    };
    const checkShim = () => {
      check();
      if (done || shimAlive(state)) return;
      if (!existsSync(containerDir(root, state.id))) return finish(() => reject(new NotFoundError(`container ${state.name} was removed`)));
      // the shim writes exit.json and then exits: look once more before calling it dead
      const exit = readExitRecord(root, state.id);
      finish(() => (exit ? resolve(exit) : reject(shimDeadError(state))));
    };
    const onAbort = () => finish(() => resolve(null));
    try {
      // a chatty container changes its log thousands of times a second: one check per turn of the event loop
      let scheduled = false;
      watcher = watch(containerDir(root, state.id), () => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          check();
        });
      });
      watcher.on('error', () => {});
    } catch {
      /* no inotify: the poll below still sees it */
    }
    const poll = setInterval(checkShim, 250);
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => finish(() => resolve(null)), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort);
    checkShim();
    if (opts.signal?.aborted) onAbort(); // aborted before we started listening
  });
}
