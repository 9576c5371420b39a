// The image commands: images, import, load, rmi. Each file registers its own options; the store loads in the action.
import type { Command } from 'commander';
import { registerImages } from './images.js';
import { registerImport } from './import.js';
import { registerLoad } from './load.js';
import { registerRmi } from './rmi.js';

export function registerImageCommands(program: Command): void {
  registerImages(program);
  registerImport(program);
  registerLoad(program);
  registerRmi(program);
}
