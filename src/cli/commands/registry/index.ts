// The registry commands: pull, push, login, logout. The registry client loads inside each action.
import type { Command } from 'commander';
import { registerLogin } from './login.js';
import { registerPull } from './pull.js';
import { registerPush } from './push.js';

export function registerRegistryCommands(program: Command): void {
  registerPull(program);
  registerPush(program);
  registerLogin(program);
}
