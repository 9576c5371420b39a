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
    .description("print a container's output (-f: follow until it exits)")
    .option('-f, --follow', 'keep printing new output until the container exits')
    .option('-n, --tail <lines>', 'only the last N lines (or "all")')
    .argument('<container>', 'name, ID or unique ID prefix')
    .action(async (ref: string, opts: { follow?: boolean; tail?: string }) => {
      const tail = parseTail(opts.tail);
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const e = await import('../../../engine/containers/lifecycle.js');
      e.requireRoot(); // the log is root's alone, as the container's state
      const root = tctopRoot();
      const state = e.resolveContainer(root, ref);
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
