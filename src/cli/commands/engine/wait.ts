// `tctop wait`: block until each container exits, print its exit code. A dead shim is an error, not a hang.
// --remove (internal, used by --rm when nobody waits in the foreground) removes the container afterwards.
import { Option, type Command } from 'commander';
import { eachContainer, print } from './each-container.js';

export function registerWait(program: Command): void {
  program
    .command('wait')
    .description('block until containers stop, then print their exit codes')
    .addOption(new Option('--remove', 'remove each container once it has exited').hideHelp())
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], opts: { remove?: boolean }) => {
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { waitContainer } = await import('../../../engine/containers/wait.js');
      const { requireRoot } = await import('../../../engine/containers/preflight.js');
      requireRoot();
      const root = tctopRoot();
      await eachContainer(refs, async (ref) => print(String(await waitContainer(root, ref, opts.remove === true))));
    });
}
