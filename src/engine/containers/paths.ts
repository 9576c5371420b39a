// Where a container lives: <root>/containers/<id>/ is its state dir and its OCI bundle (docs/engine-contract.md).
import { join } from 'node:path';
import { containersDir, STATE_DIR_FILES } from '../../engine-contract/state-dir.js';

export { containersDir };

export function containerDir(root: string, id: string): string {
  return join(containersDir(root), id);
}

export function bundlePath(root: string, id: string, file: keyof typeof STATE_DIR_FILES): string {
  return join(containerDir(root, id), STATE_DIR_FILES[file]);
}

/** TS-side locks live outside the state dirs, so removing a container never pulls the floor from under its lock. */
export function locksDir(root: string): string {
  return join(root, 'locks');
}
