// `tctop images`: the image store, as docker images.
import type { Command } from 'commander';

interface ImagesOptions {
  json?: boolean;
  quiet?: boolean;
  trunc?: boolean;
}

export function registerImages(program: Command): void {
  program
    .command('images')
    .description('list the images in the store ($TCTOP_ROOT, default /var/lib/tctop)')
    .argument('[repository]', 'only this repository (name, or name:tag)')
    .option('--json', 'print a JSON array: id, refs, created, size (bytes), layers')
    .option('-q, --quiet', 'only image IDs')
    .option('--no-trunc', 'full image IDs')
    .action(async (repository: string | undefined, opts: ImagesOptions) => {
      const { listImages, tctopRoot } = await import('../../../engine/images/index.js');
      const { printImages, byRepository } = await import('./images-table.js');
      const images = repository ? byRepository(listImages(tctopRoot()), repository) : listImages(tctopRoot());
      process.stdout.write(printImages(images, { json: !!opts.json, quiet: !!opts.quiet, noTrunc: opts.trunc === false }));
    });
}
