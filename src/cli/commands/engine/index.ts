import type { Command } from 'commander';

// run, create, start, stop, kill, restart, rm, logs, exec, wait
export function registerEngineCommands(program: Command): void {
  void program; // placeholder until the engine lands
}
