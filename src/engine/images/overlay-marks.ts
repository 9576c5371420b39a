// Overlayfs whiteouts (char device 0/0), opaque directories (trusted.overlay.opaque=y) and FIFOs. Node has no
// mknod/mkfifo/setxattr, so these are batched into a few calls of the standard tools.
import { spawnSync } from 'node:child_process';
import { NativeError, UnsupportedError } from '../../errors.js';

const BATCH = 500;

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnsupportedError(`${what} needs ${cmd}, which is not installed`);
  if (r.status !== 0) throw new NativeError(`${what} failed: ${(r.stderr || String(r.error ?? r.signal)).trim().split('\n')[0]}`);
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** mknod <path> c 0 0 for each path (absolute paths; parents must exist). */
export function makeWhiteoutDevices(paths: string[]): void {
  for (const group of batches(paths)) {
    run('sh', ['-c', 'for p in "$@"; do mknod -m 000 -- "$p" c 0 0 || exit 1; done', 'sh', ...group], 'creating whiteouts (mknod c 0 0)');
  }
}

/** trusted.overlay.opaque=y on each directory, so overlayfs hides what lower layers hold there. */
export function markOpaque(dirs: string[]): void {
  for (const group of batches(dirs)) run('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...group], 'marking opaque directories');
}

export function makeFifos(paths: string[]): void {
  for (const group of batches(paths)) run('mkfifo', ['--', ...group], 'creating FIFOs');
}
