// exec: the shim's exec mode joins the container's namespaces and cgroup and runs the command with the container's
// environment and user (or -e/-u/-w overrides); stdio is the CLI's own (stdin only with -i; with -t the shim relays
// this terminal to a pty of the container's), the exit code is the command's.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ConflictError, NativeError } from '../../errors.js';
import { replaceOrAppend } from './environment.js';
import { shimDeadError, shimAlive } from './exit-wait.js';
import { isSameProcess } from './proc-identity.js';
import { requireRoot } from './preflight.js';
import { shimBinaryPath } from './shim-binary.js';
import { requireRunning } from './signal-init.js';
import type { ContainerState } from './state.js';
import { resolveUser } from './user.js';
import { execSecurityArgs } from '../security/exec-security.js';
import { isPaused } from './pause.js';

export interface ExecRequest {
  cmd: string[];
  env: string[];
  user?: string;
  workdir?: string;
  /** -i: this process's stdin goes to the command (without it, /dev/null, as docker exec). */
  interactive?: boolean;
  /** -t: the command runs on a pty of the container's devpts; the shim relays this terminal (raw) to it. */
  tty?: boolean;
}

/** The shim reads the environment from this descriptor, never from argv (every host user can read a cmdline). */
export const ENV_FD = 3;

export function execArgs(state: ContainerState, req: ExecRequest): { args: string[]; env: string[] } {
  const spec = state.config;
  const user = req.user === undefined ? spec.user : resolveUser(req.user, spec.lowerdirs);
  const args = ['exec', '--pid', String(state.pid)];
  for (const dir of state.cgroup.dirs) args.push('--cgroup', dir);
  args.push('--env-fd', String(ENV_FD));
  args.push('--cwd', req.workdir ?? spec.cwd);
  args.push('--uid', String(user.uid), '--gid', String(user.gid));
  if (user.groups.length) args.push('--groups', user.groups.join(','));
  args.push(...execSecurityArgs(state));
  if (req.tty) args.push('--tty');
  if (req.interactive) args.push('--stdin');
  args.push('--', ...req.cmd);
  return { args, env: replaceOrAppend(spec.env, req.env) };
}

/** NUL-terminated K=V entries, as the shim's --env-fd reads them. */
export function encodeEnv(env: string[]): Buffer {
  return Buffer.from(env.map((e) => `${e}\0`).join(''));
}

/** Runs the command in the container; resolves with its exit code (128+signal if killed). */
export async function execInContainer(state: ContainerState, req: ExecRequest): Promise<number> {
  requireRoot();
  requireRunning(state);
  if (!shimAlive(state) && !isSameProcess(state.pid, state.pidStartTime)) throw shimDeadError(state);
  if (!isSameProcess(state.pid, state.pidStartTime)) throw new NativeError(`container ${state.name} is not running (its init has exited)`);
  if (isPaused(state)) throw new ConflictError(`container ${state.name} is paused, unpause the container before exec`);
  const shim = shimBinaryPath();
  return new Promise((resolve, reject) => {
    const { args, env } = execArgs(state, req);
    const child = spawn(shim, args, { stdio: [req.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit', 'pipe'] });
    child.on('error', (e) => reject(new NativeError(`cannot run the shim ${shim}: ${e.message}`)));
    const envPipe = child.stdio[ENV_FD] as import('node:stream').Writable;
    envPipe.on('error', () => {}); // the shim failed before reading it: its exit code tells why
    envPipe.end(encodeEnv(env));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
