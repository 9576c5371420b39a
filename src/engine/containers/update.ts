// update: new resource limits for a container, running or not. The cgroup files are rewritten in place (v1 and
// v2, through the same code that created them) and the limits persist in state.json and config.json, so the next
// start, inspect and ps all see them.
import { existsSync } from 'node:fs';
import { NotFoundError, UsageError } from '../../errors.js';
import { createContainerCgroup, type ResourceLimits } from './cgroups.js';
import { withContainerLock } from './locks.js';
import { writeFileAtomic } from '../atomic-write.js';
import { buildOciConfig } from './oci-config.js';
import { bundlePath } from './paths.js';
import { readState, writeState, type ContainerState } from './state.js';

export async function updateContainer(root: string, id: string, changes: ResourceLimits): Promise<ContainerState> {
  if (Object.keys(changes).length === 0) throw new UsageError('you must provide one or more flags when using this command');
  return withContainerLock(root, id, async () => {
    const state = readState(root, id);
    if (!state) throw new NotFoundError(`no such container: ${id}`);
    const limits: ResourceLimits = { ...state.config.limits, ...changes };
    // the cgroup exists while the container is created or running; a stopped one gets it back at start
    if (state.cgroup.dirs.some((d) => existsSync(d))) createContainerCgroup(state.id, limits);
    const config = { ...state.config, limits };
    // the bridged network namespace stays in config.json as create wrote it
    writeFileAtomic(bundlePath(root, id, 'config'), JSON.stringify(buildOciConfig(id, config, state.net?.netns), null, 2) + '\n', {
      durable: false,
    });
    const updated = { ...state, config };
    writeState(root, updated);
    return updated;
  });
}
