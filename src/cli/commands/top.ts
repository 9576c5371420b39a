import type { Command } from 'commander';

export function registerTop(program: Command): void {
  void program; // placeholder until the command lands
}
