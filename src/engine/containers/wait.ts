// wait: the exit code of a container once it has exited (a created one is waited on until it runs and exits).
import { waitForExit } from './exit-wait.js';
import { removeContainer } from './remove.js';
import { readState, type ContainerState } from './state.js';
import { resolveContainer } from './store.js';
import { NativeError, NotFoundError } from '../../errors.js';

async function untilStarted(root: string, state: ContainerState): Promise<ContainerState> {
  let s: ContainerState | null = state;
  while (s && s.status === 'created') {
    await new Promise((r) => setTimeout(r, 200));
    s = readState(root, state.id);
  }
  if (!s) throw new NotFoundError(`container ${state.name} was removed`);
  return s;
}

export async function waitContainer(root: string, ref: string, remove = false): Promise<number> {
  const state = await untilStarted(root, resolveContainer(root, ref));
  let code: number;
  if (state.status === 'running') {
    const exit = await waitForExit(root, state);
    code = exit!.exitCode;
  } else if (state.exitCode === null) {
    throw new NativeError(`the exit code of container ${state.name} is unknown: its shim died before recording it`);
  } else {
    code = state.exitCode;
  }
  if (remove) await removeContainer(root, state.id, false);
  return code;
}
