import type { Command } from 'commander';

export function registerPs(program: Command): void {
  void program; // placeholder until the command lands
}
