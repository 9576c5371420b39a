// The single place where errors become messages and exit codes. Nothing else calls process.exit but closed-pipe.ts
// (a reader gone) and end-when-idle.ts (a finished command whose loop is idle, keeping its exit code).
import { CommanderError } from 'commander';
import { TctopError } from '../errors.js';
import { escapeControls } from '../text/sanitize.js';

export function exitCodeFor(err: unknown): number {
  if (err instanceof TctopError) return err.exitCode;
  if (err instanceof CommanderError) return err.exitCode;
  return 1;
}

/** One line on stderr, no stack trace (unless TCTOP_DEBUG is set), then the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode; // commander already printed its message
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').map(escapeControls);
  const prefix = err instanceof TctopError ? 'tctop: ' : 'tctop: internal error: ';
  process.stderr.write(prefix + lines.join('\n') + '\n');
  if (process.env.TCTOP_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return exitCodeFor(err);
}
