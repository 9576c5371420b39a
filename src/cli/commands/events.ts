// `tctop events`: container events of every runtime as they happen (and, with --since, as the runtimes' state
// records them), in docker events' layouts.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

interface EventsOptions {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
  root?: string;
}

/** A scan every quarter second: an event shows within one second of happening; an incremental scan costs ~2-5 ms. */
const SCAN_INTERVAL_MS = 250;

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('container events of every runtime (create, start, exec_start, pause, unpause, oom, die, destroy)')
    .option('--since <time>', "replay from this time what the runtimes' state records (RFC 3339, Unix time or a duration back from now)")
    .option('--until <time>', 'stop at this time')
    .option('-f, --filter <key=value...>', 'runtime=, container=, event=, image=, label=, type=container')
    .option('--format <format>', "text (docker's line), or json (one object a line, docker's keys plus runtime)", 'text')
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .action(async (opts: EventsOptions) => {
      const { parseEventFilters, parseEventTime } = await import('../../report/event-filters.js');
      const { replayEvents, dockerEventJson, dockerEventText } = await import('../../report/events.js');
      const { EventStream } = await import('../../report/event-stream.js');
      const { HostScanner } = await import('../../snapshot/scanner.js');
      const format =
        opts.format === undefined || opts.format === 'text'
          ? 'text'
          : opts.format.replace(/\s+/g, '') === '{{json.}}' || opts.format === 'json'
            ? 'json'
            : null;
      if (format === null) throw new UsageError(`unsupported --format "${opts.format}": text or json`);
      const keep = parseEventFilters(opts.filter ?? []);
      const now = Date.now() / 1000;
      const since = opts.since === undefined ? undefined : parseEventTime(opts.since, now);
      const until = opts.until === undefined ? Infinity : parseEventTime(opts.until, now);
      if (since !== undefined && since > until) throw new UsageError('--since is after --until');
      const print = (e: Parameters<typeof dockerEventText>[0]) => {
        if (e.time <= until && keep(e)) process.stdout.write((format === 'json' ? dockerEventJson(e) : dockerEventText(e)) + '\n');
      };

      const scanner = new HostScanner({ root: opts.root, includeStopped: true });
      const stream = new EventStream();
      const first = scanner.scan();
      stream.next(first);
      if (since !== undefined) replayEvents(first, since, Math.min(until, first.takenAt / 1000)).forEach(print);
      const stop = new Promise<'stop'>((resolve) => {
        process.once('SIGINT', () => resolve('stop'));
        process.once('SIGTERM', () => resolve('stop'));
        if (until !== Infinity) setTimeout(() => resolve('stop'), Math.max(0, (until - Date.now() / 1000) * 1000)).unref();
      });
      while (Date.now() / 1000 < until) {
        const woke = await Promise.race([new Promise((r) => setTimeout(r, SCAN_INTERVAL_MS, 'tick')), stop]);
        if (woke === 'stop') break;
        stream.next(scanner.scan()).forEach(print);
      }
      stream.flush().forEach(print);
      scanner.close();
    });
}
