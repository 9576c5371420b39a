// The image-making commands: build, commit, save, tag. Each file registers its own options; the engine loads in the action.
import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerCommit } from './commit.js';
import { registerSave } from './save.js';
import { registerTag } from './tag.js';

export function registerBuildCommands(program: Command): void {
  registerBuild(program);
  registerCommit(program);
  registerSave(program);
  registerTag(program);
}
