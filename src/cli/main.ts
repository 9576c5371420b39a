// Entry point: builds the command tree, runs it, and maps any error to one message and an exit code.
import { Command } from 'commander';
import { reportError } from './boundary.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('tctop')
    .description('Container observability for Linux hosts: every container, any runtime, from /proc and cgroups')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
