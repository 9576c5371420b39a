// run = create + start (+ follow the log to its end, + remove with --rm). A start failure of a --rm container
// removes it; otherwise it stays created, as docker leaves it.
import { createContainer, type CreateRequest } from './create.js';
import { followLog } from './log-follow.js';
import { removeContainer } from './remove.js';
import { startContainer } from './start.js';
import type { ContainerState } from './state.js';
import { spawnReaper } from './reaper.js';

async function createAndStart(root: string, req: CreateRequest): Promise<ContainerState> {
  const created = await createContainer(root, req);
  try {
    return await startContainer(root, created.id, { freshlyCreated: true });
  } catch (err) {
    if (req.autoRemove) await removeContainer(root, created.id, true).catch(() => {});
    throw err;
  }
}

export async function runDetached(root: string, req: CreateRequest): Promise<ContainerState> {
  const state = await createAndStart(root, req);
  if (req.autoRemove) spawnReaper(root, state.id);
  return state;
}

/** The container's exit code, or null when the CLI was detached (the container runs on). */
export async function runForeground(root: string, req: CreateRequest, detach: AbortSignal): Promise<number | null> {
  const state = await createAndStart(root, req);
  const exit = await followLog(root, state, { signal: detach });
  if (!exit) {
    if (req.autoRemove) spawnReaper(root, state.id); // --rm still holds once it exits
    return null;
  }
  if (req.autoRemove) await removeContainer(root, state.id, false);
  return exit.exitCode;
}
