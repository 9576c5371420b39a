// `tctop push NAME[:TAG]`: an image of tctop's store to a registry, as docker push.
import type { Command } from 'commander';

export function registerPush(program: Command): void {
  program
    .command('push')
    .description("upload an image to a registry (only the blobs it lacks; prints the registry's manifest digest)")
    .argument('<name>', 'NAME[:TAG], e.g. localhost:5000/app:v1')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (name: string, opts: { quiet?: boolean }) => {
      const { pushImage } = await import('../../../engine/registry/push.js');
      const { abandonStaging } = await import('../../../engine/images/staging.js');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { withInterruptCleanup } = await import('../images/interrupt.js');
      const root = tctopRoot();
      await withInterruptCleanup(
        () => abandonStaging(root),
        () => pushImage(name, { root, progress: opts.quiet ? undefined : process.stdout }),
      );
    });
}
