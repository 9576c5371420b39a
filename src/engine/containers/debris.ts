// What an interrupted command leaves: a create killed before its state.json (a dir, maybe a cgroup), an rm killed
// mid-way (a .removing-<id> dir), a --rm container whose CLI was SIGKILLed before it could remove it, a build step's
// container whose build was SIGKILLed (its shim has killed its processes already: --owner). Swept under the
// names lock, where no create can be in progress, so a container dir without state.json there is debris for sure.
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeContainerCgroup } from './cgroups.js';
import { FULL_ID_HEX, isFullId } from '../../text/ids.js';
import { bundlePath, containersDir } from './paths.js';
import { isSameProcess } from './proc-identity.js';
import { removeContainer } from './remove.js';
import type { ContainerState } from './state.js';

/** What remove.ts renames a state dir to before it deletes it. */
const REMOVING = new RegExp(`^\\.removing-(${FULL_ID_HEX})$`);

export async function sweepDebris(root: string, entries: string[] = listEntries(root)): Promise<void> {
  for (const name of entries) {
    const removing = REMOVING.exec(name);
    if (removing) {
      await rm(join(containersDir(root), name), { recursive: true, force: true });
      continue;
    }
    if (!isFullId(name) || existsSync(bundlePath(root, name, 'state'))) continue;
    await removeContainerCgroup(name).catch(() => {}); // a cgroup still holding processes stays (rm -f is for that)
    await rm(join(containersDir(root), name), { recursive: true, force: true });
  }
}

function listEntries(root: string): string[] {
  try {
    return readdirSync(containersDir(root));
  } catch {
    return [];
  }
}

/** On a build step's container: `<pid>:<start time>` of the build running it (build/run-step.ts). */
export const BUILD_OWNER_LABEL = 'org.tctop.build.owner';

/** Build steps' containers whose build process is gone: removed now (mounts, cgroup, network with them); the others
 * returned. A live build's step is never touched, even when it has exited (its build is making the layer). */
export function removeOrphanedBuildSteps(root: string, containers: ContainerState[]): Promise<ContainerState[]> {
  return removeWhere(root, containers, true, (c) => {
    const owner = /^(\d+):(\d+)$/.exec(c.labels?.[BUILD_OWNER_LABEL] ?? '');
    return owner !== null && !isSameProcess(Number(owner[1]), Number(owner[2]));
  });
}

const FORGOTTEN_AFTER_MS = 10_000;

/** Exited --rm containers nobody removed (their CLI and reaper were killed): removed now; the others returned. */
export function removeForgottenAutoRemoved(root: string, containers: ContainerState[]): Promise<ContainerState[]> {
  // its own CLI (or reaper) removes it within moments of the exit: only a long-exited one was forgotten
  return removeWhere(
    root,
    containers,
    false,
    (c) => c.autoRemove === true && c.status === 'exited' && Date.parse(c.finishedAt ?? '') < Date.now() - FORGOTTEN_AFTER_MS,
  );
}

/** Removes the containers `doomed` picks (`force`: rm -f); returns the others and those whose removal failed. */
async function removeWhere(
  root: string,
  containers: ContainerState[],
  force: boolean,
  doomed: (c: ContainerState) => boolean,
): Promise<ContainerState[]> {
  const kept: ContainerState[] = [];
  for (const c of containers) {
    if (doomed(c)) await removeContainer(root, c.id, force).catch(() => kept.push(c));
    else kept.push(c);
  }
  return kept;
}
