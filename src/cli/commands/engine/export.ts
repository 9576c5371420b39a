// `tctop export`: a container's filesystem as a tar archive, to -o FILE or stdout (never a terminal, as docker).
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("export a container's filesystem as a tar archive")
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .argument('<container>', 'name, ID or unique ID prefix')
    .action(async (ref: string, opts: { output?: string }) => {
      if (!opts.output && process.stdout.isTTY)
        throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { requireRoot } = await import('../../../engine/containers/preflight.js');
      const { resolveContainer } = await import('../../../engine/containers/store.js');
      const { exportContainer } = await import('../../../engine/copy/export.js');
      requireRoot();
      const root = tctopRoot();
      const c = resolveContainer(root, ref);
      await exportContainer(root, c.id, c.name, opts.output);
    });
}
