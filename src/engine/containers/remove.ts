// rm: a stopped container's cgroup dirs and state dir go; nothing else exists on the host (the overlay is mounted
// only inside the container's own mount namespace). -f kills a running one first.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { ConflictError } from '../../errors.js';
import { cgroupPids, removeContainerCgroup } from './cgroups.js';
import { shimAlive, waitForExit } from './exit-wait.js';
import { withContainerLock } from './locks.js';
import { containerDir, containersDir } from './paths.js';
import { signalInit } from './signal-init.js';
import { readState, type ContainerState } from './state.js';
import { forbidRestart } from './stop.js';
import { teardownNetwork } from '../network/attach.js';

const { SIGKILL } = constants.signals;

async function killEverything(root: string, state: ContainerState): Promise<void> {
  if (shimAlive(state)) {
    try {
      state = forbidRestart(root, state); // a restart policy must not bring it back while it goes
    } catch {
      /* the shim does not answer: the kills below still end it */
    }
  }
  signalInit(state, SIGKILL);
  if (shimAlive(state)) await waitForExit(root, state, { timeoutMs: 10_000 }).catch(() => null);
  // anything left in the cgroup (an orphaned container's processes, exec'd ones) goes too
  for (let round = 0; round < 40; round++) {
    const pids = cgroupPids(state.id);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, SIGKILL);
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function removeContainer(root: string, id: string, force: boolean): Promise<void> {
  await withContainerLock(root, id, async () => {
    const state = readState(root, id);
    if (!state) return;
    if (state.status === 'running') {
      if (!force) throw new ConflictError(`cannot remove running container ${state.name}: stop it first or use rm -f`);
      await killEverything(root, state);
    }
    await removeContainerCgroup(id);
    // its rules, veth, namespace file and leases (an interrupted rm leaves leases the next create's sweep finds)
    if (state.net?.mode === 'bridge') await teardownNetwork(root, id, { table: state.net.table, hadPorts: state.net.ports.length > 0 });
    // renamed away first, so the container disappears whole even if the recursive removal is interrupted; both
    // synchronous (only CLI commands remove, never the dashboard): through the thread pool, each step of a
    // recursive removal is a round trip
    const doomed = join(containersDir(root), `.removing-${id}`);
    renameSync(containerDir(root, id), doomed);
    rmSync(doomed, { recursive: true, force: true });
  });
}
