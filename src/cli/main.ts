// Entry point: builds the command tree, runs it, and maps any error to one message and an exit code.
import { Command } from 'commander';
import { reportError } from './boundary.js';
import { registerCommands } from './commands/index.js';
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

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
