// `tctop run`: create + start; -d prints the ID, otherwise the output streams here and tctop exits with the
// container's code. SIGINT/SIGTERM/SIGHUP to the CLI only detach it: the container keeps running. With -i or -t the
// terminal is attached to the container (raw with -t; ctrl-p ctrl-q detaches).
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { addCreateOptions, createRequest, readyImage, type CreateFlags } from './create-options.js';

interface RunFlags extends CreateFlags {
  detach?: boolean;
  detachKeys?: string;
}

const DETACH_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function registerRun(program: Command): void {
  addCreateOptions(program.command('run').description('create and start a container from an image'))
    .option('-d, --detach', 'run in the background and print the container ID')
    .option('--detach-keys <keys>', 'keys that detach from a -i/-t container (default ctrl-p,ctrl-q)')
    .action(async (image: string, command: string[], flags: RunFlags) => {
      const req = await createRequest(image, command, flags);
      if (req.autoRemove && req.restart && req.restart.name !== 'no') throw new UsageError('conflicting options: --restart and --rm');
      if (flags.detachKeys !== undefined) (await import('../../../engine/containers/terminal-flags.js')).parseDetachKeys(flags.detachKeys);
      await readyImage(image, flags);
      const { tctopRoot } = await import('../../../engine/images/store-paths.js');
      const engine = await import('../../../engine/containers/run.js');
      const root = tctopRoot();
      if (flags.detach) {
        const state = await engine.runDetached(root, req);
        process.stdout.write(state.id + '\n');
        return;
      }
      const detach = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        detach.abort();
        process.exitCode = signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129;
      };
      for (const s of DETACH_SIGNALS) process.on(s, onSignal);
      try {
        const code = await engine.runForeground(root, req, detach.signal, flags.detachKeys);
        if (code !== null) process.exitCode = code;
      } finally {
        for (const s of DETACH_SIGNALS) process.off(s, onSignal);
      }
    });
}
