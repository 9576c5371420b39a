// start, stop, kill, restart, rm: one container after another, each printed as given once done (as docker).
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { eachContainer, print } from './each-container.js';

async function engine() {
  const { tctopRoot } = await import('../../../engine/images/store-paths.js');
  const lifecycle = await import('../../../engine/containers/lifecycle.js');
  lifecycle.requireRoot(); // signals, cgroups and locks under $TCTOP_ROOT all need it
  return { root: tctopRoot(), ...lifecycle };
}

type Engine = Awaited<ReturnType<typeof engine>>;

/** Resolves each reference and acts on it, printing the reference once done; a failure does not stop the rest. */
async function onEach(refs: string[], act: (e: Engine, id: string) => Promise<unknown>): Promise<void> {
  const e = await engine();
  await eachContainer(refs, async (ref) => {
    await act(e, e.resolveContainer(e.root, ref).id);
    print(ref);
  });
}

export function parseGrace(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`invalid -t "${value}": a whole number of seconds`);
  return Number(value);
}

export function registerLifecycle(program: Command): void {
  program
    .command('start')
    .description('start one or more created or stopped containers')
    .option('-a, --attach', "attach this terminal to the container's output (and exit with its code)")
    .option('-i, --interactive', "attach this terminal's input too (a container created with -i)")
    .option('--detach-keys <keys>', 'keys that detach (default ctrl-p,ctrl-q)')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], opts: { attach?: boolean; interactive?: boolean; detachKeys?: string }) => {
      if (!opts.attach && !opts.interactive) return onEach(refs, (e, id) => e.startContainer(e.root, id));
      if (refs.length > 1) throw new UsageError('you cannot start and attach multiple containers at once');
      const e = await engine();
      process.exitCode = await e.startAttached(e.root, e.resolveContainer(e.root, refs[0]).id, {
        stdin: opts.interactive === true,
        detachKeys: opts.detachKeys,
      });
    });
  program
    .command('stop')
    .description('stop containers: SIGTERM, then SIGKILL after the grace period')
    .option('-t, --time <secs>', 'seconds to wait before SIGKILL', '10')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], opts: { time: string }) => {
      const grace = parseGrace(opts.time);
      await onEach(refs, (e, id) => e.stopContainer(e.root, id, grace));
    });
  program
    .command('kill')
    .description('send a signal (default KILL) to the init of running containers')
    .option('-s, --signal <sig>', 'signal name or number', 'KILL')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], opts: { signal: string }) => {
      const { parseSignal } = await engine();
      const signal = parseSignal(opts.signal);
      await onEach(refs, (e, id) => e.killContainer(e.root, id, signal));
    });
  program
    .command('restart')
    .description('stop (SIGTERM, SIGKILL after the grace period) and start again')
    .option('-t, --time <secs>', 'seconds to wait before SIGKILL', '10')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action(async (refs: string[], opts: { time: string }) => {
      const grace = parseGrace(opts.time);
      await onEach(refs, async (e, id) => {
        await e.stopContainer(e.root, id, grace);
        await e.startContainer(e.root, id);
      });
    });
  program
    .command('rm')
    .description('remove stopped containers (-f: running ones too, killed first)')
    .option('-f, --force', 'kill a running container before removing it')
    .argument('<container...>', 'name, ID or unique ID prefix')
    .action((refs: string[], opts: { force?: boolean }) => onEach(refs, (e, id) => e.removeContainer(e.root, id, opts.force === true)));
}
