// The built-in engine's container commands. Each file registers its options; the engine loads in the action.
import type { Command } from 'commander';
import { registerCreate } from './create.js';
import { registerExec } from './exec.js';
import { registerLifecycle } from './lifecycle.js';
import { registerLogs } from './logs.js';
import { registerRun } from './run.js';
import { registerWait } from './wait.js';

// run, create, start, stop, kill, restart, rm, logs, exec, wait
export function registerEngineCommands(program: Command): void {
  registerRun(program);
  registerCreate(program);
  registerLifecycle(program);
  registerLogs(program);
  registerExec(program);
  registerWait(program);
}
