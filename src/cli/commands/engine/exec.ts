// `tctop exec CONTAINER CMD...`: run a command inside a running container; exits with the command's code.
import type { Command } from 'commander';
import { collect } from './create-options.js';

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a command in a running container')
    .option('-e, --env <K=V>', 'set an environment variable (repeatable)', collect)
    .option('-u, --user <user>', "name|uid[:group|gid] (default: the container's user)")
    .option('-w, --workdir <dir>', "working directory (default: the container's)")
    .option('-i, --interactive', 'keep stdin open (without it the command reads /dev/null, as docker exec)')
    .option('-t, --tty', "allocate a pseudo-terminal in the container's devpts")
    .argument('<container>', 'name, ID or unique ID prefix')
    .argument('<command...>', 'command and arguments (their own flags pass through)')
    .passThroughOptions()
    .action(
      async (
        ref: string,
        command: string[],
        opts: { env?: string[]; user?: string; workdir?: string; interactive?: boolean; tty?: boolean },
      ) => {
        const v = await import('../../../engine/containers/flag-values.js');
        const env = (opts.env ?? []).flatMap((e) => v.parseEnv(e) ?? []);
        const workdir = opts.workdir === undefined ? undefined : v.parseWorkdir(opts.workdir);
        const { tctopRoot } = await import('../../../engine/images/store-paths.js');
        const e = await import('../../../engine/containers/lifecycle.js');
        e.requireRoot();
        const root = tctopRoot();
        const state = e.resolveContainer(root, ref);
        process.exitCode = await e.execInContainer(state, {
          cmd: command,
          env,
          user: opts.user,
          workdir,
          interactive: opts.interactive === true,
          tty: opts.tty === true,
        });
      },
    );
}
