// stop: SIGTERM to the init, SIGKILL after the grace period, then wait for the shim's exit record. kill: any signal.
// A container whose shim died is stopped through its init's PID and is over once the init is gone. Under a restart
// policy the shim is told first that the init is not to be restarted (it keeps the policy: there is no daemon).
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { ConflictError, NativeError, NotFoundError } from '../../errors.js';
import { cgroupPids } from './cgroups.js';
import { shimAlive, waitForExit } from './exit-wait.js';
import { withContainerLock } from './locks.js';
import { isSameProcess } from './proc-identity.js';
import { requireRunning, signalInit } from './signal-init.js';
import { containerDir } from './paths.js';
import { shimBinaryPath } from './shim-binary.js';
import { readState, writeState, type ContainerState } from './state.js';
import { thawAfterSignal } from './pause.js';

const { SIGTERM, SIGKILL } = constants.signals;

async function initGone(state: ContainerState, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isSameProcess(state.pid, state.pidStartTime)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Without a shim nobody reaps or records: kill what is left in the cgroup and wait for it to empty. */
async function stopOrphan(state: ContainerState, graceMs: number): Promise<void> {
  signalInit(state, SIGTERM);
  if (await initGone(state, graceMs)) return;
  for (const pid of cgroupPids(state.id)) {
    try {
      process.kill(pid, SIGKILL);
    } catch {
      /* already gone */
    }
  }
  await initGone(state, 5000);
}

/** Stops a running container; returns its state afterwards (a stopped one is returned as it is). */
export async function stopContainer(root: string, id: string, graceSeconds: number): Promise<ContainerState | null> {
  return withContainerLock(root, id, async () => {
    const state = readState(root, id);
    if (state?.status !== 'running') return state;
    if (!shimAlive(state)) {
      await stopOrphan(state, graceSeconds * 1000);
      // nobody recorded how it ended: stopped, exit code unknown (so it can be started or removed like any other)
      const stopped: ContainerState = {
        ...state,
        status: 'exited',
        exitCode: null,
        exitSignal: null,
        finishedAt: new Date().toISOString(),
      };
      writeState(root, stopped);
      return stopped;
    }
    const current = forbidRestart(root, state);
    signalInit(current, SIGTERM);
    thawAfterSignal(current); // a paused container receives it once thawed
    let exit = await waitForExit(root, current, { timeoutMs: graceSeconds * 1000 });
    if (!exit) {
      signalInit(readState(root, id) ?? current, SIGKILL);
      exit = await waitForExit(root, current);
    }
    return readState(root, id);
  });
}

/**
 * Under a restart policy, the shim is told first to restart the init no more (it answers once it will not): `stop` ends
 * the container for good, as docker's. Returns the state as it is then (a restart may have changed the init's PID).
 */
export function forbidRestart(root: string, state: ContainerState): ContainerState {
  if (!state.config.restart || state.config.restart.name === 'no') return state;
  const r = spawnSync(shimBinaryPath(), ['no-restart', '--state', containerDir(root, state.id)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 10_000,
  });
  if (r.status !== 0)
    throw new NativeError(
      `cannot stop the restarts of container ${state.name}: ${r.stderr?.toString().trim() || 'the shim did not answer'}`,
    );
  return readState(root, state.id) ?? state;
}

export async function killContainer(root: string, id: string, signal: number): Promise<void> {
  let state = readState(root, id);
  if (!state) throw new NotFoundError(`no such container: ${id}`);
  requireRunning(state);
  // as docker: its stop signal means "do not restart it", any other signal lets the restart policy decide
  if (signal === SIGTERM && shimAlive(state)) state = forbidRestart(root, state);
  // exited a moment ago (exit.json not written yet) or not ours any more: not running, as docker would say
  if (!signalInit(state, signal)) throw new ConflictError(`container ${state.name} is not running`);
  if (signal === SIGKILL) thawAfterSignal(state); // other signals wait for unpause, as with docker
}
