// `tctop login [-u USER] [-p PASS | --password-stdin] [REGISTRY]` and `tctop logout [REGISTRY]`: docker's commands,
// docker's config.json (and credential helpers), so docker and tctop share one login.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** A line from the terminal; with `hidden`, typed characters are not echoed (a password). */
async function prompt(question: string, hidden: boolean): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden)
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) =>
      void (s.includes(question) && process.stderr.write(question));
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (hidden) process.stderr.write('\n');
  }
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description("log in to a registry (credentials in docker's ~/.docker/config.json, or its credential helper)")
    .argument('[registry]', 'host[:port] (Docker Hub if omitted)')
    .option('-u, --username <user>', 'username')
    .option('-p, --password <password>', 'password (visible to other users: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .action(async (registryArg: string | undefined, opts: LoginFlags) => {
      const { normalizeRegistryArg } = await import('../../../engine/registry/reference.js');
      const registry = normalizeRegistryArg(registryArg);
      if (opts.password && opts.passwordStdin) throw new UsageError('--password and --password-stdin are mutually exclusive');
      let username = opts.username;
      let password = opts.password;
      if (opts.passwordStdin) {
        if (!username) throw new UsageError('--password-stdin needs --username');
        password = await readStdin();
      } else if (password) {
        process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      if (!username || !password) {
        if (!process.stdin.isTTY)
          throw new UsageError('login needs --username and a password (--password-stdin) when stdin is not a terminal');
        username ||= await prompt('Username: ', false);
        password ||= await prompt('Password: ', true);
      }
      if (!username || !password) throw new UsageError('a username and a password are required');
      const { loginRegistry } = await import('../../../engine/registry/login.js');
      await loginRegistry(registry, { username, password });
      process.stdout.write('Login Succeeded\n');
    });
  program
    .command('logout')
    .description('remove the stored login for a registry')
    .argument('[registry]', 'host[:port] (Docker Hub if omitted)')
    .action(async (registryArg: string | undefined) => {
      const { normalizeRegistryArg } = await import('../../../engine/registry/reference.js');
      const { eraseCredentials } = await import('../../../engine/registry/credentials.js');
      const registry = normalizeRegistryArg(registryArg);
      const removed = await eraseCredentials(registry);
      process.stdout.write(removed ? `Removing login credentials for ${registry}\n` : `Not logged in to ${registry}\n`);
    });
}
