// Scratch directories for a load or import in progress, named after the owning PID so a later run can tell an
// interrupted one (its process is gone) from one still running, and remove what it left.
import { promises as fsp, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors.js';
import { randomBytes } from '../random.js';
import { stagingDir } from './store-paths.js';

export async function createStaging(root: string): Promise<string> {
  await removeStaleStaging(root);
  const dir = join(stagingDir(root), `${process.pid}-${randomBytes(6).toString('hex')}`);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

export async function removeStaleStaging(root: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(stagingDir(root));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) await fsp.rm(join(stagingDir(root), name), { recursive: true, force: true });
  }
}

/** Removes this process's own staging dirs, synchronously: for a signal handler, when the load will not finish. */
export function abandonStaging(root: string): void {
  let names: string[];
  try {
    names = readdirSync(stagingDir(root));
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(`${process.pid}-`)) rmSync(join(stagingDir(root), name), { recursive: true, force: true });
}
