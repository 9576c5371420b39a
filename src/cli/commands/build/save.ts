// `tctop save [-o file] image...`: a docker save archive (docker 25+ layout) on stdout or in a file.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

export function registerSave(program: Command): void {
  program
    .command('save')
    .description('save one or more images to a tar archive (streamed to stdout by default)')
    .argument('<image...>', 'image names or IDs')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (images: string[], flags: { output?: string }) => {
      if (!flags.output && process.stdout.isTTY)
        throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { abandonStaging } = await import('../../../engine/images/staging.js');
      const { withInterruptCleanup } = await import('../images/interrupt.js');
      const { saveImages } = await import('../../../engine/images/save.js');
      const root = tctopRoot();
      await withInterruptCleanup(
        () => abandonStaging(root),
        () => saveImages(root, images, flags.output ?? process.stdout),
      );
    });
}
