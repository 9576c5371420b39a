// Where a container lives: <root>/containers/<id>/ is its state dir and its OCI bundle (docs/engine-contract.md).
import { join } from 'node:path';
import { containersDir, STATE_DIR_FILES } from '../../engine-contract/state-dir.js';

export { containersDir };

export function containerDir(root: string, id: string): string {
  return join(containersDir(root), id);
}

/** The files of a state dir; those other processes read are named by the contract. */
export const bundleFiles = {
  config: STATE_DIR_FILES.config,
  launch: STATE_DIR_FILES.launch,
  state: STATE_DIR_FILES.state,
  exit: STATE_DIR_FILES.exit,
  log: STATE_DIR_FILES.log,
  rootfs: 'rootfs',
  upper: 'upper',
  work: 'work',
} as const;

export function bundlePath(root: string, id: string, file: keyof typeof bundleFiles): string {
  return join(containerDir(root, id), bundleFiles[file]);
}

/** TS-side locks live outside the state dirs, so removing a container never pulls the floor from under its lock. */
export function locksDir(root: string): string {
  return join(root, 'locks');
}
