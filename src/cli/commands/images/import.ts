// `tctop import <rootfs.tar[.gz]|-> [name[:tag]]`: a one-layer image from a root filesystem tar, as docker import.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

interface ImportOptions {
  change?: string[];
  message?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('create a one-layer image from a root filesystem tar (plain or gzip; "-" reads stdin)')
    .argument('<file>', 'rootfs tar, tar.gz, or - for stdin')
    .argument('[ref]', 'name[:tag] for the image (tag defaults to latest)')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, WORKDIR, USER (repeatable)', collect, [])
    .option('-m, --message <text>', 'comment recorded in the image history')
    .action(async (file: string, ref: string | undefined, opts: ImportOptions) => {
      if (file === '-' && process.stdin.isTTY) throw new UsageError('import from stdin ("-"), but stdin is a terminal');
      const { importRootfs, abandonStaging, tctopRoot } = await import('../../../engine/images/index.js');
      const { withInterruptCleanup } = await import('./interrupt.js');
      const root = tctopRoot();
      const image = await withInterruptCleanup(
        () => abandonStaging(root),
        () => importRootfs(root, file, { ref, changes: opts.change, message: opts.message }),
      );
      process.stdout.write(image.id + '\n');
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
