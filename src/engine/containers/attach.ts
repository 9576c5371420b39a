// attach: the shim's client mode (`tctop-shim attach`) connects to the container's attach socket with this terminal
// as its stdio: raw with a tty, the window size followed, the detach keys watched. It tells on fd 3 how it ended:
// "exit N" (the container ended), "detached" (keys, or a signal), "lost" / "unreachable" (no shim to talk to).
import { spawn } from 'node:child_process';
import { ConflictError, NativeError } from '../../errors.js';
import { shimAlive, shimDeadError, waitForExit } from './exit-wait.js';
import { followLog } from './log-follow.js';
import { containerDir } from './paths.js';
import { shimBinaryPath } from './shim-binary.js';
import { requireRunning } from './signal-init.js';
import { startContainer } from './start.js';
import type { ContainerState } from './state.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './terminal-flags.js';

export type AttachEnd = { kind: 'exit'; code: number } | { kind: 'detached' } | { kind: 'lost' } | { kind: 'unreachable' };

export interface AttachOptions {
  /** Send this terminal's input (the container must have been created with -i). */
  stdin: boolean;
  detachKeys?: string;
}

export function attachContainer(root: string, state: ContainerState, opts: AttachOptions): Promise<AttachEnd> {
  const shim = shimBinaryPath();
  const tty = state.config.tty === true;
  const keys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS).toString('hex');
  const args = ['attach', '--state', containerDir(root, state.id), '--status-fd', '3', '--detach-keys', keys];
  if (tty) args.push('--tty');
  if (opts.stdin) args.push('--stdin');
  return new Promise((resolve, reject) => {
    const child = spawn(shim, args, { stdio: [opts.stdin ? 'inherit' : 'ignore', 'inherit', 'inherit', 'pipe'] });
    let status = '';
    child.stdio[3]!.on('data', (d: Buffer) => (status += d));
    child.on('error', (e) => reject(new NativeError(`cannot run the shim ${shim}: ${e.message}`)));
    child.on('close', () => {
      const line = status.trim();
      const m = /^exit (\d+)$/.exec(line);
      if (m) return resolve({ kind: 'exit', code: Number(m[1]) });
      if (line === 'detached') return resolve({ kind: 'detached' });
      resolve({ kind: line === 'unreachable' ? 'unreachable' : 'lost' });
    });
  });
}

/** `tctop attach`: the container's exit code once it ends, 0 when detached (the container runs on). */
export async function attachRunning(root: string, state: ContainerState, opts: AttachOptions): Promise<number> {
  requireRunning(state);
  if (!shimAlive(state)) throw shimDeadError(state);
  const end = await attachContainer(root, state, { ...opts, stdin: opts.stdin && state.config.openStdin === true });
  if (end.kind === 'exit') return end.code;
  if (end.kind === 'detached') return 0;
  const exit = await waitForExit(root, state).catch(() => null);
  if (exit) return exit.exitCode;
  throw new ConflictError(`container ${state.name} is not running`);
}

/** `tctop start -a [-i]`: started with its output kept for us, then attached. */
export async function startAttached(root: string, id: string, opts: AttachOptions): Promise<number> {
  const state = await startContainer(root, id, { attach: true });
  const end = await attachContainer(root, state, { ...opts, stdin: opts.stdin && state.config.openStdin === true });
  if (end.kind === 'exit') return end.code;
  if (end.kind === 'detached') return 0;
  if (end.kind === 'unreachable') return (await followLog(root, state))?.exitCode ?? 0;
  return (await waitForExit(root, state))?.exitCode ?? 0;
}
