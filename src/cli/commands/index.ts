// Every command of the CLI. Each file registers its own options; heavy modules load only inside actions.
import type { Command } from 'commander';
import { registerPs } from './ps.js';
import { registerInspect } from './inspect.js';
import { registerTop } from './top.js';
import { registerServe } from './serve.js';
import { registerEngineCommands } from './engine/index.js';
import { registerImageCommands } from './images/index.js';

export function registerCommands(program: Command): void {
  registerTop(program); // also the default action: `tctop` alone opens the dashboard
  registerPs(program);
  registerInspect(program);
  registerServe(program);
  registerEngineCommands(program);
  registerImageCommands(program);
}
