// `tctop top` and `tctop` alone: the live dashboard on a terminal, batch text (as `top -b`) otherwise.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConflictError, UsageError } from '../../errors.js';
import type { Container } from '../../snapshot/model.js';
import { cell } from '../../text/sanitize.js';

interface TopOptions {
  json?: boolean;
  /** commander turns --no-color into color: false */
  color?: boolean;
  batch?: boolean;
  iterations?: string;
  delay?: string;
  root?: string;
}

const DEFAULT_DELAY_SECONDS = 1;

export function parseDelay(value: string | undefined): number {
  const seconds = value === undefined ? DEFAULT_DELAY_SECONDS : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600)
    throw new UsageError(`bad delay "${value}": seconds between 0.1 and 3600`);
  return Math.round(seconds * 1000);
}

export function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`bad count "${value}": a positive whole number`);
  return Number(value);
}

async function runTop(opts: TopOptions): Promise<void> {
  const { configPath, readConfig } = await import('../../tui/config.js');
  const settingsFile = configPath();
  const config = readConfig(settingsFile); // a broken file is the user's to fix: one line naming it, before anything
  const intervalMs = parseDelay(opts.delay ?? (config.refreshSeconds !== undefined ? String(config.refreshSeconds) : undefined));
  const count = parseCount(opts.iterations);
  const root = opts.root ?? '/';
  // a wrong --root would otherwise show an empty host that looks real
  if (!existsSync(join(root, 'proc/stat'))) throw new UsageError(`nothing to read under --root ${root}: no proc/stat there`);
  // a dumb terminal cannot place a cursor: it gets the batch table, as a pipe does
  const term = process.env.TERM ?? '';
  const terminal = process.stdout.isTTY === true && process.stdin.isTTY === true && term !== '' && term !== 'dumb';
  if (opts.batch || !terminal) {
    const { runBatch } = await import('../../tui/batch.js');
    // explicit --batch runs until -n (as top -b); output piped without --batch prints once unless -n says more
    await runBatch({ root, intervalMs, count: count ?? (opts.batch ? Infinity : 1) });
    return;
  }
  if (count !== undefined) throw new UsageError('-n/--iterations needs --batch (or output that is not a terminal)');
  const { runDashboard } = await import('../../tui/app.js');
  // no-color.org: NO_COLOR set to anything but the empty string turns colour off
  const colours = opts.color !== false && !process.env.NO_COLOR && config.colours !== false;
  await runDashboard({ root, intervalMs, colours, config, configPath: settingsFile });
}

/** `tctop top <ref> [ps options]`: docker top's table for one container of any runtime. */
async function runProcessTable(ref: string, psArgs: string[], opts: TopOptions): Promise<void> {
  // docker's order puts ps options after the container: --json may land there too
  const json = !!opts.json || psArgs.includes('--json');
  const { columnsFor, processTable } = await import('../../report/process-columns.js');
  const cols = columnsFor(psArgs.filter((a) => a !== '--json'));
  const { scanHostAside } = await import('../../snapshot/scanner.js');
  const { answeredBeforeNamespacePass, resolveContainer } = await import('../../report/resolve.js');
  // a reference a runtime's container bears is answered before the PID-namespace pass, as inspect's are
  const enough = (found: Container[]) => answeredBeforeNamespacePass(found, [ref]);
  const snapshot = await scanHostAside({ root: opts.root, includeStopped: true }, undefined, enough);
  const c = resolveContainer(snapshot.containers, ref);
  if (c.pids.length === 0) throw new ConflictError(`container ${cell(ref, 80)} is not running`);
  const table = processTable(c.pids, snapshot, cols);
  if (json) {
    process.stdout.write(JSON.stringify(table, null, 2) + '\n');
    return;
  }
  const { renderTable } = await import('../../text/format.js');
  process.stdout.write(
    renderTable(
      table.Titles,
      table.Processes.map((row) => row.map((v) => cell(v, 4096))),
    ),
  );
}

function withOptions(cmd: Command): Command {
  return cmd
    .option('-b, --batch', 'print the container table as text instead of the dashboard (chosen when stdout is not a terminal)')
    .option('-n, --iterations <count>', 'batch mode: stop after this many refreshes (default: forever with --batch, once when piped)')
    .option('-d, --delay <secs>', `seconds between refreshes (default ${DEFAULT_DELAY_SECONDS}, or the config file's refreshSeconds)`)
    .option('--root <dir>', 'read the host under this directory (e.g. /host in a container)', '/')
    .option('--no-color', 'no colours (also when NO_COLOR is set)');
}

export function registerTop(program: Command): void {
  // Positional options keep these root-level flags from swallowing a subcommand's own (`tctop ps --root`,
  // `tctop run -d`): they count only before the subcommand's name. `top`'s ps options need it set first.
  program.enablePositionalOptions();
  withOptions(
    program
      .command('top')
      .description('live dashboard of every container (keys: ? for help); --batch for text; with a container, its processes as docker top'),
  )
    .argument('[ref]', 'a container (ID, unique prefix or name): print its processes as docker top, host PID beside container PID')
    .argument('[ps-options...]', 'ps(1) options after the container: -ef (default), aux, -o pid,user,args ...')
    .option('--json', "with a container: print docker's top JSON ({Titles, Processes})")
    .passThroughOptions()
    .action(async (ref: string | undefined, psArgs: string[], opts: TopOptions) => {
      if (ref !== undefined) return runProcessTable(ref, psArgs, opts);
      await runTop(opts);
    });
  // `tctop` alone: same options, same behaviour.
  // a word that is no command would otherwise read as an argument of the dashboard ("too many arguments")
  withOptions(program)
    .allowExcessArguments(true)
    .action(async (opts: TopOptions, command: Command) => {
      if (command.args.length) throw new UsageError(`unknown command "${cell(command.args[0], 40)}" (tctop --help lists them)`);
      await runTop(opts);
    });
}
