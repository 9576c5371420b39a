// `tctop cp`: copy files between a container and the host, as docker cp (exactly one side is CONTAINER:PATH; "-"
// is a tar stream on stdin or stdout).
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

/** "name:path" -> [name, path]; a host path with a ':' can be given as ./a:b, as with docker. */
function splitRef(arg: string): [string, string] | null {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return null;
  const i = arg.indexOf(':');
  return i > 0 ? [arg.slice(0, i), arg.slice(i + 1)] : null;
}

export function registerCp(program: Command): void {
  program
    .command('cp')
    .description('copy files/folders between a container and the host (CONTAINER:SRC DEST or SRC CONTAINER:DEST; - for a tar stream)')
    .option('-a, --archive', "archive mode: keep uid/gid of the copied files (default: owned by the container's root)")
    .option('-L, --follow-link', 'always follow a symbolic link in SRC_PATH')
    .argument('<src>', 'CONTAINER:SRC_PATH, a host path, or - (a tar on stdin)')
    .argument('<dest>', 'CONTAINER:DEST_PATH, a host path, or - (a tar on stdout)')
    .action(async (srcArg: string, destArg: string, opts: { archive?: boolean; followLink?: boolean }) => {
      const from = splitRef(srcArg),
        to = splitRef(destArg);
      if (from && to) throw new UsageError('copying between containers is not supported');
      if (!from && !to) throw new UsageError('must specify at least one container source (CONTAINER:PATH)');
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const { requireRoot } = await import('../../../engine/containers/preflight.js');
      const { resolveContainer } = await import('../../../engine/containers/store.js');
      const cp = await import('../../../engine/copy/cp.js');
      requireRoot();
      const root = tctopRoot();
      const copyOpts = { archive: opts.archive === true, follow: opts.followLink === true };
      if (from) {
        const c = resolveContainer(root, from[0]);
        await cp.copyFromContainer(root, c.id, c.name, from[1], destArg, copyOpts);
      } else {
        const c = resolveContainer(root, to![0]);
        await cp.copyToContainer(root, c.id, c.name, srcArg, to![1], copyOpts);
      }
    });
}
