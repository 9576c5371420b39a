// run = create + start (+ follow the log to its end, + remove with --rm). A start failure of a --rm container
// removes it; otherwise it stays created, as docker leaves it. With -i or -t the terminal attaches to the shim's
// socket instead of following the log.
import { attachContainer } from './attach.js';
import { createContainer, type CreateRequest } from './create.js';
import { waitForExit } from './exit-wait.js';
import { followLog } from './log-follow.js';
import { removeContainer } from './remove.js';
import { startContainer } from './start.js';
import type { ContainerState } from './state.js';
import { spawnReaper } from './reaper.js';

async function createAndStart(root: string, req: CreateRequest, attach = false): Promise<ContainerState> {
  const created = await createContainer(root, req);
  try {
    return await startContainer(root, created.id, { freshlyCreated: true, attach });
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
export async function runForeground(root: string, req: CreateRequest, detach: AbortSignal, detachKeys?: string): Promise<number | null> {
  if (req.tty || req.openStdin) return runAttached(root, req, detachKeys);
  const state = await createAndStart(root, req);
  const exit = await followLog(root, state, { signal: detach });
  if (!exit) {
    if (req.autoRemove) spawnReaper(root, state.id); // --rm still holds once it exits
    return null;
  }
  if (req.autoRemove) await removeContainer(root, state.id, false);
  return exit.exitCode;
}

/** run -i / -t: the terminal attached through the shim's socket (attach.ts) until the container ends or we detach. */
async function runAttached(root: string, req: CreateRequest, detachKeys?: string): Promise<number | null> {
  const state = await createAndStart(root, req, true);
  const end = await attachContainer(root, state, { stdin: req.openStdin === true, detachKeys });
  let code: number | null;
  if (end.kind === 'exit') code = end.code;
  else if (end.kind === 'detached') code = null;
  else if (end.kind === 'unreachable')
    code = (await followLog(root, state))?.exitCode ?? null; // it ended before we came: its log says what it wrote
  else code = (await waitForExit(root, state))?.exitCode ?? null;
  if (code === null) {
    if (req.autoRemove) spawnReaper(root, state.id);
    return null;
  }
  if (req.autoRemove) await removeContainer(root, state.id, false);
  return code;
}
