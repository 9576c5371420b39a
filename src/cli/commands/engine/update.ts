// `tctop update`: change resource limits of containers, running or stopped; prints each reference once done.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { eachContainer, print } from './each-container.js';

interface UpdateFlags {
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  cpusetCpus?: string;
}

export function registerUpdate(program: Command): void {
  program
    .command('update')
    .description('update the resource limits of one or more containers')
    .option('-m, --memory <bytes>', 'memory limit, e.g. 64m, 1g')
    .option('--cpus <n>', 'CPU quota in CPUs, e.g. 0.5')
    .option('--pids-limit <n>', 'maximum number of processes (-1: unlimited)')
    .option('--cpuset-cpus <list>', 'CPUs the container may use, e.g. 0-1')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], f: UpdateFlags) => {
      const v = await import('../../../engine/containers/flag-values.js');
      const changes: import('../../../engine/containers/cgroups.js').ResourceLimits = {};
      if (f.memory !== undefined) changes.memoryBytes = v.parseMemory(f.memory);
      if (f.cpus !== undefined) changes.nanoCpus = v.parseCpus(f.cpus);
      if (f.pidsLimit !== undefined) changes.pidsLimit = f.pidsLimit.trim() === '-1' ? -1 : v.parsePidsLimit(f.pidsLimit);
      if (f.cpusetCpus !== undefined) changes.cpusetCpus = v.parseCpuset(f.cpusetCpus);
      if (Object.keys(changes).length === 0) throw new UsageError('you must provide one or more flags when using this command');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { requireRoot } = await import('../../../engine/containers/preflight.js');
      const { resolveContainer } = await import('../../../engine/containers/store.js');
      const { updateContainer } = await import('../../../engine/containers/update.js');
      requireRoot();
      const root = tctopRoot();
      await eachContainer(refs, async (ref) => {
        await updateContainer(root, resolveContainer(root, ref).id, changes);
        print(ref);
      });
    });
}
