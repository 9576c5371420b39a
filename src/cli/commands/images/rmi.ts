// `tctop rmi [-f] <ref...>`: untag and delete images, refusing those tctop's containers use unless forced.
import type { Command } from 'commander';
import { cell } from '../../../text/sanitize.js';

export function registerRmi(program: Command): void {
  program
    .command('rmi')
    .description('remove images (by name[:tag] or image ID prefix) and the layers no other image shares')
    .argument('<ref...>', 'image name[:tag], image ID or unique ID prefix')
    .option('-f, --force', 'remove every tag of the image; an image a container uses is only untagged')
    .action(async (refs: string[], opts: { force?: boolean }) => {
      const { removeImage, tctopRoot } = await import('../../../engine/images/index.js');
      for (const ref of refs) {
        const result = await removeImage(tctopRoot(), ref, !!opts.force);
        const lines = [
          ...result.untagged.map((r) => `Untagged: ${cell(r, 300)}`),
          ...(result.deleted ? [`Deleted: ${result.deleted}`] : []),
        ];
        if (lines.length) process.stdout.write(lines.join('\n') + '\n');
      }
    });
}
