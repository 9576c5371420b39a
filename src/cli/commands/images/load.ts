// `tctop load [-i archive]`: images from `docker save` archives (classic and docker 25+) or OCI image layouts.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { cell } from '../../../text/sanitize.js';

interface LoadOptions {
  input?: string;
  quiet?: boolean;
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('load images from a docker save archive or an OCI image layout tar (plain or gzip)')
    .option('-i, --input <file>', 'read from this archive instead of stdin')
    .option('-q, --quiet', 'print nothing')
    .action(async (opts: LoadOptions) => {
      const input = opts.input ?? '-';
      if (input === '-' && process.stdin.isTTY) throw new UsageError('load from stdin, but stdin is a terminal (use -i <archive>)');
      const { loadArchive, abandonStaging, tctopRoot } = await import('../../../engine/images/index.js');
      const { withInterruptCleanup } = await import('./interrupt.js');
      const root = tctopRoot();
      const loaded = await withInterruptCleanup(
        () => abandonStaging(root),
        () => loadArchive(root, input),
      );
      if (opts.quiet) return;
      for (const image of loaded) {
        const lines = image.refs.length ? image.refs.map((r) => `Loaded image: ${cell(r, 300)}`) : [`Loaded image ID: ${image.id}`];
        process.stdout.write(lines.join('\n') + '\n');
      }
    });
}
