import type { Command } from 'commander';

export function registerServe(program: Command): void {
  void program; // placeholder until the command lands
}
