// `tctop tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`, as docker tag (prints nothing).
import type { Command } from 'commander';

export function registerTag(program: Command): void {
  program
    .command('tag')
    .description('create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>', 'image name or ID')
    .argument('<target>', 'new name[:tag]')
    .action(async (source: string, target: string) => {
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { tagImage } = await import('../../../engine/images/tag.js');
      await tagImage(tctopRoot(), source, target);
    });
}
