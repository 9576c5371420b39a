// `tctop stats`: docker stats for every running container of every runtime, refreshing in place.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Container, HostSnapshot } from '../../snapshot/model.js';
import type { StatsFormat } from '../print/stats-table.js';

interface StatsOptions {
  all?: boolean;
  stream?: boolean;
  format?: string;
  trunc?: boolean;
  interval?: string;
  root?: string;
}

/**
 * `--no-stream`'s sample window. docker's daemon samples once a second and its CLI waits for two samples (~2 s
 * here); a CPU rate needs two readings of the cgroup's nanosecond counter, not a second between them.
 */
const NO_STREAM_WINDOW_MS = 100;
const STREAM_INTERVAL_MS = 1000;

function parseFormat(value: string | undefined): StatsFormat {
  if (value === undefined || value === 'table') return 'table';
  if (value === 'json' || value.replace(/\s+/g, '') === '{{json.}}') return 'json';
  throw new UsageError(`unsupported --format "${value}": table or json`);
}

function parseInterval(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const s = Number(value);
  if (!Number.isFinite(s) || s < 0.05 || s > 3600) throw new UsageError(`bad --interval "${value}": seconds between 0.05 and 3600`);
  return Math.round(s * 1000);
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description("live CPU, memory, network, block I/O and PIDs of containers of every runtime (docker stats' columns)")
    .argument('[ref...]', 'container ID, unique ID prefix, or name (default: every running container)')
    .option('-a, --all', 'also containers that run no process')
    .option('--no-stream', 'print one sample (taken over a short window) and exit')
    .option('--format <format>', "table, or json (one object a line, docker's keys plus Runtime)", 'table')
    .option('--no-trunc', 'do not truncate names')
    .option(
      '--interval <secs>',
      `seconds between samples (default ${STREAM_INTERVAL_MS / 1000}; ${NO_STREAM_WINDOW_MS / 1000} with --no-stream)`,
    )
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .action(async (refs: string[], opts: StatsOptions) => {
      const format = parseFormat(opts.format);
      const stream = opts.stream !== false;
      const intervalMs = parseInterval(opts.interval, stream ? STREAM_INTERVAL_MS : NO_STREAM_WINDOW_MS);
      const { HostScanner } = await import('../../snapshot/scanner.js');
      const { readPidNamespacesAside } = await import('../../host/procfs/pidns-aside.js');
      const { takePrestartedSurvey } = await import('../../host/procfs/pidns-prestart.js');
      const { resolveContainer } = await import('../../report/resolve.js');
      const { statsRow } = await import('../../report/stats.js');
      const { statsText } = await import('../print/stats-table.js');
      // files are not kept open: a stream's second and later scans are incremental all the same
      const scanner = new HostScanner({ root: opts.root, includeStopped: !!opts.all || refs.length > 0, keepFilesOpen: false });
      // the first scan's PID-namespace pass runs on the other core (the launcher may have started it), as ps's does
      let prev = await scanner.scanWithPidnsAside(
        (ns) => takePrestartedSurvey(scanner.paths.proc, ns) ?? readPidNamespacesAside(scanner.paths.proc, ns),
      );
      // resolve once, up front: a bad reference fails before anything is printed, as docker's does
      const wanted = refs.map((r) => ({ id: resolveContainer(prev.containers, r).id, label: r }));
      const pick = (snap: HostSnapshot): Array<{ c: Container; label?: string }> =>
        wanted.length
          ? wanted.flatMap((w) => snap.containers.filter((c) => c.id === w.id).map((c) => ({ c, label: w.label })))
          : snap.containers.filter((c) => opts.all || c.init !== null).map((c) => ({ c }));
      const terminal = process.stdout.isTTY === true && stream;
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      for (;;) {
        const waited = await Promise.race([new Promise((r) => setTimeout(r, intervalMs, 'tick')), stop]);
        if (waited !== 'tick') break;
        const cur = scanner.scan();
        const seconds = cur.monotonic - prev.monotonic;
        const before = new Map(prev.containers.map((c) => [c.id, c]));
        const rows = pick(cur).map(({ c, label }) => statsRow(c, before.get(c.id), seconds, cur, label));
        // in place on a terminal, as docker's: clear, home, table
        process.stdout.write((terminal ? '\x1b[2J\x1b[H' : '') + statsText(rows, format, opts.trunc === false));
        prev = cur;
        if (!stream) break;
      }
      scanner.close();
    });
}
