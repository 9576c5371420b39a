// `tctop info`: docker info's overview for every runtime on the host.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

interface InfoOptions {
  json?: boolean;
  root?: string;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('the host: kernel, cgroup version and driver, runtimes found and their containers')
    .option('--json', 'print one JSON object')
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .action(async (opts: InfoOptions) => {
      const root = opts.root ?? '/';
      // a wrong --root would otherwise describe an empty host that looks real
      if (!existsSync(join(root, 'proc/stat'))) throw new UsageError(`nothing to read under --root ${root}: no proc/stat there`);
      const { scanHostAside } = await import('../../snapshot/scanner.js');
      const { readOsName } = await import('../../host/os-release.js');
      const { hostInfoReport } = await import('../../report/host-info.js');
      const { listImages } = await import('../../engine/images/catalog.js');
      const { tctopRoot } = await import('../../engine/images/store-paths.js');
      const { VERSION } = await import('../../version.js');
      const snapshot = await scanHostAside({ root, includeStopped: true });
      const engineRoot = tctopRoot();
      let images = 0;
      try {
        images = listImages(engineRoot).length;
      } catch {
        /* no store yet */
      }
      const report = hostInfoReport(snapshot, readOsName(root), { version: VERSION, root: engineRoot, images });
      if (opts.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      const { infoText } = await import('../print/info-text.js');
      process.stdout.write(infoText(report));
    });
}
