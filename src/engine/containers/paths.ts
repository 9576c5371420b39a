// Where a container lives: <root>/containers/<id>/ is its state dir and its OCI bundle (the engine contract).
import { join } from 'node:path';
import { containersDir } from '../images/store-paths.js';

export { containersDir };

export function containerDir(root: string, id: string): string {
  return join(containersDir(root), id);
}

export const bundleFiles = {
  config: 'config.json',
  launch: 'launch.conf',
  state: 'state.json',
  exit: 'exit.json',
  log: 'container.log',
  rootfs: 'rootfs',
  upper: 'upper',
  work: 'work',
  seccomp: 'seccomp.bpf',
} as const;

export function bundlePath(root: string, id: string, file: keyof typeof bundleFiles): string {
  return join(containerDir(root, id), bundleFiles[file]);
}

/** TS-side locks live outside the state dirs, so removing a container never pulls the floor from under its lock. */
export function locksDir(root: string): string {
  return join(root, 'locks');
}
