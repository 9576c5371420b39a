// `tctop pull [--platform os/arch] NAME[:TAG|@DIGEST]`: docker's pull, into tctop's image store.
import type { Command } from 'commander';

interface PullFlags {
  platform?: string;
  quiet?: boolean;
}

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('download an image from a registry (Docker schema 2 / OCI; a manifest list picks linux/<this arch>)')
    .argument('<name>', 'NAME[:TAG|@DIGEST], e.g. busybox, localhost:5000/app:v1')
    .option('--platform <os/arch>', 'pick this platform from a multi-platform image, e.g. linux/arm64')
    .option('-q, --quiet', 'print only the image reference')
    .action(async (name: string, opts: PullFlags) => {
      const { pullImage } = await import('../../../engine/registry/pull.js');
      const { abandonStaging } = await import('../../../engine/images/staging.js');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { withInterruptCleanup } = await import('../images/interrupt.js');
      const root = tctopRoot();
      const pulled = await withInterruptCleanup(
        () => abandonStaging(root),
        () => pullImage(name, { platform: opts.platform, root, progress: opts.quiet ? undefined : process.stdout }),
      );
      if (opts.quiet) process.stdout.write(pulled.canonical + '\n');
    });
}
