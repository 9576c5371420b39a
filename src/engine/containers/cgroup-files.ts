// Small synchronous helpers for cgroupfs: writes name the file and errno, mkdir tolerates existing dirs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { errnoOf, NativeError, PermissionError } from '../../errors.js';

export function writeCgroupFile(path: string, value: string, flag = 'w'): void {
  try {
    writeFileSync(path, value, { flag });
  } catch (err) {
    const code = errnoOf(err);
    const msg = `cannot write ${JSON.stringify(value)} to ${path}: ${code ?? String(err)}`;
    throw code === 'EACCES' || code === 'EPERM' ? new PermissionError(msg) : new NativeError(msg);
  }
}

/** cgroupfs ignores the offset; a fixture dir keeps every write (so tests see each one). */
export function appendCgroupFile(path: string, value: string): void {
  writeCgroupFile(path, value, 'a');
}

export function readCgroupFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** mkdir that reports whether it created the directory (so a failure can undo only what it made). */
export function makeCgroupDir(path: string): boolean {
  if (existsSync(path)) return false;
  try {
    mkdirSync(path);
    return true;
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'EEXIST') return false;
    const msg = `cannot create cgroup ${path}: ${code ?? String(err)}`;
    throw code === 'EACCES' || code === 'EPERM' ? new PermissionError(msg) : new NativeError(msg);
  }
}
