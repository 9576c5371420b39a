// pause/unpause: the cgroup freezer holds every task of the container (v1 freezer.state, v2 cgroup.freeze), as
// runc does. The freezer is the truth (discovery reads it): nothing else records "paused".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError, UnsupportedError } from '../../errors.js';
import { readCgroupFile, writeCgroupFile } from './cgroup-files.js';
import { withContainerLock } from './locks.js';
import { isSameProcess } from './proc-identity.js';
import { readState, type ContainerState } from './state.js';

interface Freezer {
  /** The file written to freeze or thaw. */
  control: string;
  frozen: () => boolean;
  set: (frozen: boolean) => void;
}

function freezerOf(state: ContainerState): Freezer {
  if (state.cgroup.version === 2) {
    const dir = state.cgroup.dirs[0];
    const control = join(dir, 'cgroup.freeze');
    return {
      control,
      // cgroup.events says when the freeze has completed ("frozen 1"), cgroup.freeze only what was asked
      frozen: () => /^frozen 1$/m.test(readCgroupFile(join(dir, 'cgroup.events')) ?? ''),
      set: (f) => writeCgroupFile(control, f ? '1' : '0'),
    };
  }
  const dir = state.cgroup.dirs.find((d) => existsSync(join(d, 'freezer.state')));
  if (!dir) throw new UnsupportedError('pause needs the cgroup v1 freezer controller, which is not mounted');
  const control = join(dir, 'freezer.state');
  return {
    control,
    frozen: () => (readCgroupFile(control) ?? '').trim() === 'FROZEN',
    set: (f) => writeCgroupFile(control, f ? 'FROZEN' : 'THAWED'),
  };
}

/** For discovery-independent checks (stop/kill of a paused container, exec refusal). */
export function isPaused(state: ContainerState): boolean {
  try {
    return state.status === 'running' && freezerOf(state).frozen();
  } catch {
    return false;
  }
}

async function settle(f: Freezer, frozen: boolean, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (f.frozen() === frozen) return true;
    if (Date.now() > until) return false;
    if (frozen) f.set(true); // v1: a FREEZING cgroup is asked again, as runc retries
    await new Promise((r) => setTimeout(r, 10));
  }
}

function runningState(root: string, id: string): ContainerState {
  const state = readState(root, id);
  if (!state) throw new NotFoundError(`no such container: ${id}`);
  if (state.status !== 'running' || !isSameProcess(state.pid, state.pidStartTime))
    throw new ConflictError(`container ${state.name} is not running`);
  return state;
}

export async function pauseContainer(root: string, id: string): Promise<void> {
  await withContainerLock(root, id, async () => {
    const state = runningState(root, id);
    const f = freezerOf(state);
    if (f.frozen()) throw new ConflictError(`container ${state.name} is already paused`);
    f.set(true);
    if (!(await settle(f, true))) {
      f.set(false); // never leave it half frozen
      throw new ConflictError(`container ${state.name} could not be frozen within 5 s (a task in uninterruptible sleep?)`);
    }
  });
}

export async function unpauseContainer(root: string, id: string): Promise<void> {
  await withContainerLock(root, id, async () => {
    const state = runningState(root, id);
    const f = freezerOf(state);
    if (!f.frozen()) throw new ConflictError(`container ${state.name} is not paused`);
    f.set(false);
    if (!(await settle(f, false))) throw new ConflictError(`container ${state.name} did not thaw within 5 s`);
  });
}

/** A signal to a frozen container waits for the thaw: stop and kill thaw it after signalling, as docker does. */
export function thawAfterSignal(state: ContainerState): void {
  try {
    const f = freezerOf(state);
    if (f.frozen()) f.set(false);
  } catch {
    /* no freezer: nothing was frozen */
  }
}
