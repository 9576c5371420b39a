import type { Command } from 'commander';

// images, import, load, rmi
export function registerImageCommands(program: Command): void {
  void program; // placeholder until the image store lands
}
