// --rm for a container nobody waits on (run -d --rm, or a foreground run detached by a signal): a detached
// `tctop wait --remove` process outlives the CLI, waits for the exit and removes the container.
import { spawn } from 'node:child_process';
import { cliPath } from '../../package-root.js';

export function spawnReaper(root: string, id: string): void {
  const child = spawn(process.execPath, [cliPath(), 'wait', '--remove', id], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, TCTOP_ROOT: root },
  });
  child.unref();
}
