// Entry point: builds the command tree, runs it, and maps any error to one message and an exit code.
import { Command } from 'commander';
import { reportError } from './boundary.js';
import { registerCommands } from './commands/index.js';
import { endOnClosedPipe } from './closed-pipe.js';
import { endsWhenIdle, endWhenIdle } from './end-when-idle.js';
import { VERSION } from '../version.js';

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('tctop')
    .description('Container observability for Linux hosts: every container, any runtime, from /proc and cgroups')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .helpCommand(true) // `tctop help <command>`, which the dashboard's own root action would otherwise take
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/**
 * `tctop ps | head`: the reader went away. Quiet, with the shell's code for a SIGPIPE death, as ps(1) and docker end.
 * The handler goes on the stream when something first asks for it: process.stdout is a getter that builds the
 * stream (for a pipe a net.Socket: node:net and the stream modules, ~2.5 ms), which a command printing through
 * stdout-direct.ts (`build -q`, `push -q`) never needs.
 */
function exitQuietlyOnClosedPipe(): void {
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    endOnClosedPipe();
  };
  const own = Object.getOwnPropertyDescriptor(process, 'stdout');
  if (!own?.get || !own.configurable) {
    process.stdout.on('error', onError);
    return;
  }
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      Object.defineProperty(process, 'stdout', own); // node's getter again, for every later use
      const stream = process.stdout;
      stream.on('error', onError);
      return stream;
    },
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe();
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    if (endsWhenIdle(argv[2])) endWhenIdle();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
