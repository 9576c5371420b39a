// `tctop inspect <ref>...` / `tctop inspect --pid <hostPid>`: the PID and namespace mapping of containers.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Container } from '../../snapshot/model.js';

interface InspectOptions {
  json?: boolean;
  pid?: string[];
  root?: string;
  size?: boolean;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show containers in detail: processes (host PID, container PID), shim, namespaces, cgroup, root filesystem')
    .argument('[ref...]', 'container ID, unique ID prefix, or name')
    .option('--pid <hostPid...>', 'the container holding this host process')
    .option('--json', 'print a JSON array, one object per reference (as docker inspect)')
    .option('-s, --size', "walk each container's writable layer and show its size (as docker inspect --size)")
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .action(async (refs: string[], opts: InspectOptions) => {
      const pids = (opts.pid ?? []).map((p) => {
        if (!/^\d+$/.test(p)) throw new UsageError(`--pid takes a numeric host PID, got "${p}"`);
        return Number(p);
      });
      if (refs.length === 0 && pids.length === 0) throw new UsageError('inspect needs a container reference or --pid <hostPid>');
      const { scanHostAside } = await import('../../snapshot/scanner.js');
      const { answeredBeforeNamespacePass, resolveContainer, containerOfPid } = await import('../../report/resolve.js');
      const { printInspect } = await import('../print/inspect-text.js');
      // references a runtime's container bears are answered before the pass over every host process that only
      // sandboxes need (resolveContainer ranks those below); a host PID may be a sandbox's
      const enough = pids.length === 0 ? (found: Container[]) => answeredBeforeNamespacePass(found, refs) : undefined;
      // without --pid, only the containers a reference may name are built (their cgroup IDs and runtime state say)
      const { refSelection } = await import('../../report/ref-selection.js');
      const select = pids.length === 0 ? refSelection(refs) : undefined;
      const snapshot = await scanHostAside({ root: opts.root, includeStopped: true, select }, undefined, enough);
      // resolve everything first: one bad reference fails the command before anything is printed
      const found = [...refs.map((r) => resolveContainer(snapshot.containers, r)), ...pids.map((p) => containerOfPid(snapshot, p))];
      const { rootfsReports } = await import('../../report/rootfs-report.js');
      const { hostPaths } = await import('../../host/paths.js');
      printInspect(found, snapshot, !!opts.json, rootfsReports(hostPaths(opts.root), found, !!opts.size));
    });
}
