// The native helper (native/fs) that reads and writes a container's filesystem for cp and export, confined by the
// kernel to the container's root. A running container is entered through its init (mount namespace + root); a
// stopped one gets its overlay mounted in the helper's private mount namespace, which dies with the helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { NativeError, UsageError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';
import { withContainerLock } from '../containers/locks.js';
import { bundlePath } from '../containers/paths.js';
import { isSameProcess } from '../containers/proc-identity.js';
import { readState, type ContainerState } from '../containers/state.js';

function helperBinary(): string {
  const path = resolve(packageRoot(), 'native', 'build', 'tctop-fs');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`the native helper ${path} is missing: run npm run build`);
  }
  return path;
}

export type Stdio = 'pipe' | 'inherit' | 'ignore';
/** Starts the helper on one operation (stat, pack, unpack) inside the container. */
export type RunHelper = (op: string[], stdio: Stdio[]) => ChildProcess;

function enterArgs(root: string, state: ContainerState): string[] {
  if (state.status === 'running' && isSameProcess(state.pid, state.pidStartTime))
    return ['--pid', String(state.pid), '--start-time', String(state.pidStartTime)];
  const args = [
    '--mnt',
    bundlePath(root, state.id, 'rootfs'),
    '--upper',
    bundlePath(root, state.id, 'upper'),
    '--work',
    bundlePath(root, state.id, 'work'),
  ];
  for (const dir of state.config.lowerdirs) args.push('--lower', dir);
  return args;
}

/**
 * Runs `fn` with a way to start helpers in the container. A stopped container is held under its lock for the
 * whole time, so a start never mounts the same upper directory while the helper has it mounted.
 */
export async function withContainerFs<T>(root: string, id: string, fn: (run: RunHelper) => Promise<T>): Promise<T> {
  const binary = helperBinary();
  const start =
    (state: ContainerState): RunHelper =>
    (op, stdio) =>
      spawn(binary, [...enterArgs(root, state), ...op], { stdio });
  const first = readState(root, id);
  if (!first) throw new NativeError(`container ${id} is gone`);
  if (first.status === 'running' && isSameProcess(first.pid, first.pidStartTime)) return fn(start(first));
  return withContainerLock(root, id, async () => {
    const state = readState(root, id);
    if (!state) throw new NativeError(`container ${id} is gone`);
    return fn(start(state));
  });
}

/** Collects stderr and resolves on exit; a failure becomes a NativeError with the helper's own message. */
export function helperDone(child: ChildProcess, what: string): Promise<void> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (err.length < 4096) err += d.toString('utf8');
  });
  return new Promise((resolvePromise, reject) => {
    child.on('error', (e) => reject(new NativeError(`cannot run the cp helper: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      if (signal === 'SIGPIPE') return reject(new NativeError(`${what}: the reader closed the output early`));
      const msg =
        err
          .trim()
          .split('\n')
          .pop()
          ?.replace(/^error: /, '') || `exited ${code ?? signal}`;
      reject(new NativeError(`${what}: ${msg}`));
    });
  });
}

/** `stat` in the container: the entry's own type and the type it resolves to ("missing" when it does not). */
export async function statInContainer(run: RunHelper, path: string): Promise<{ own: string; resolved: string }> {
  const child = run(['stat', path], ['ignore', 'pipe', 'pipe']);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await helperDone(child, `stat ${path}`);
  const [own, resolved] = out.trim().split(' ');
  return { own, resolved };
}
