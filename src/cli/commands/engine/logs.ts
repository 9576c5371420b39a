// `tctop logs [-f] [--tail N]`: the container's stdout and stderr, each to the same stream here.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

function parseTail(value: string | undefined): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid --tail "${value}": a number of lines or "all"`);
  return Number(value);
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("print a container's output, any runtime whose log is on disk (-f: follow until it exits)")
    .option('-f, --follow', 'keep printing new output until the container exits')
    .option('-n, --tail <lines>', 'only the last N lines (or "all")')
    .option('--since <time>', 'only lines since then (RFC 3339, Unix time, or a duration back from now such as 10m)')
    .option('-t, --timestamps', "print each line's time first")
    .option('--root <dir>', "read the host under this directory (other runtimes' containers)", '/')
    .argument('<container>', 'name, ID or unique ID prefix')
    .action(async (ref: string, opts: { follow?: boolean; tail?: string; since?: string; timestamps?: boolean; root?: string }) => {
      const tail = parseTail(opts.tail);
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const e = await import('../../../engine/containers/lifecycle.js');
      const { NotFoundError } = await import('../../../errors.js');
      // every runtime's logs are root's alone (docker's json-file, the kubelet's, tctop's state), as the containers' state
      e.requireRoot();
      const root = tctopRoot();
      const plain = !opts.since && !opts.timestamps && (opts.root ?? '/') === '/';
      let state: ReturnType<typeof e.resolveContainer> | undefined;
      try {
        if (plain) state = e.resolveContainer(root, ref);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err; // not one of ours: another runtime's, below
      }
      if (!state) {
        const { parseEventTime } = await import('../../../report/event-filters.js');
        const since = opts.since === undefined ? undefined : parseEventTime(opts.since, Date.now() / 1000);
        const { scanHostAside } = await import('../../../snapshot/scanner.js');
        const { resolveContainer } = await import('../../../report/resolve.js');
        const snapshot = await scanHostAside({ root: opts.root, includeStopped: true });
        const c = resolveContainer(snapshot.containers, ref);
        const { printOtherLogs } = await import('./other-logs.js');
        await printOtherLogs(c, { follow: !!opts.follow, tail, since, timestamps: !!opts.timestamps, root: opts.root ?? '/' });
        return;
      }
      if (!opts.follow) {
        await e.printLog(e.bundlePath(root, state.id, 'log'), tail);
        return;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.stdout.once('error', onSignal); // `logs -f | head`: the reader is gone, stop following
      try {
        await e.followLog(root, state, { tail, signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
