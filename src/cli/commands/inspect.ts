import type { Command } from 'commander';

export function registerInspect(program: Command): void {
  void program; // placeholder until the command lands
}
