// `tctop attach CONTAINER`: this terminal to a running container's stdio, through its shim's attach socket (the
// container's stdin only if it was created with -i). Ctrl-P Ctrl-Q (or --detach-keys) detaches and leaves it running;
// exits with the container's code once it ends.
import type { Command } from 'commander';

export function registerAttach(program: Command): void {
  program
    .command('attach')
    .description("attach this terminal to a running container's input and output")
    .option('--detach-keys <keys>', 'keys that detach (default ctrl-p,ctrl-q)')
    .option('--no-stdin', 'do not attach stdin')
    .argument('<container>', 'name, ID or unique ID prefix')
    .action(async (ref: string, opts: { detachKeys?: string; stdin: boolean }) => {
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const e = await import('../../../engine/containers/lifecycle.js');
      e.requireRoot();
      const root = tctopRoot();
      process.exitCode = await e.attachRunning(root, e.resolveContainer(root, ref), { stdin: opts.stdin, detachKeys: opts.detachKeys });
    });
}
