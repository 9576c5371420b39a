// pause, unpause: freeze or thaw each container's processes; each is printed as given once done (as docker).
import type { Command } from 'commander';
import { eachContainer, print } from './each-container.js';

async function onEach(refs: string[], verb: 'pauseContainer' | 'unpauseContainer'): Promise<void> {
  const { tctopRoot } = await import('../../../engine/images/store-paths.js');
  const { requireRoot } = await import('../../../engine/containers/preflight.js');
  const { resolveContainer } = await import('../../../engine/containers/store.js');
  const pause = await import('../../../engine/containers/pause.js');
  requireRoot();
  const root = tctopRoot();
  await eachContainer(refs, async (ref) => {
    await pause[verb](root, resolveContainer(root, ref).id);
    print(ref);
  });
}

export function registerPause(program: Command): void {
  program
    .command('pause')
    .description('suspend every process of one or more running containers (cgroup freezer)')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action((refs: string[]) => onEach(refs, 'pauseContainer'));
  program
    .command('unpause')
    .description('resume the processes of paused containers')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action((refs: string[]) => onEach(refs, 'unpauseContainer'));
}
