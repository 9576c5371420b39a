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
    .option('--json', 'print a JSON array: id, refs, created, size (bytes), layers')
    .option('-q, --quiet', 'only image IDs')
    .option('--no-trunc', 'full image IDs')
    .action(async (opts: ImagesOptions) => {
      const { listImages, tctopRoot } = await import('../../../engine/images/index.js');
      const { printImages } = await import('./images-table.js');
      process.stdout.write(printImages(listImages(tctopRoot()), { json: !!opts.json, quiet: !!opts.quiet, noTrunc: opts.trunc === false }));
    });
}
