// Overlayfs whiteouts (char device 0/0), opaque directories (trusted.overlay.opaque=y), FIFOs and xattrs from the tar. Node has no
// mknod/mkfifo/setxattr, so these are batched into a few calls of the standard tools.
import { spawnSync } from 'node:child_process';
import { NativeError, UnsupportedError } from '../../errors.js';

const BATCH = 500;

function run(cmd: string, args: string[], what: string, input?: string): void {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    maxBuffer: 16 << 20,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new UnsupportedError(`${what} needs ${cmd}, which is not installed`);
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
  for (const group of batches(dirs))
    run('setfattr', ['-h', '-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...group], 'marking opaque directories');
}

export function makeFifos(paths: string[]): void {
  for (const group of batches(paths)) run('mkfifo', ['--', ...group], 'creating FIFOs');
}

export interface XattrTarget {
  /** Path relative to the extraction dir. */
  rel: string;
  xattrs: Map<string, Buffer>;
}

/** getfattr's dump format escapes bytes as \ooo; everything but plain characters is escaped so any name survives. */
function escapePath(path: string): string {
  return [...Buffer.from(path)]
    .map((b) => (/[A-Za-z0-9/._+-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '\\' + b.toString(8).padStart(3, '0')))
    .join('');
}

/** One `setfattr --restore` for every attribute of the layer; values travel base64-encoded (0s...). */
export function restoreXattrs(dest: string, targets: XattrTarget[]): void {
  const dump = targets
    .map((t) =>
      [
        `# file: ${escapePath(t.rel ? `${dest}/${t.rel}` : dest)}`,
        ...[...t.xattrs].map(([name, value]) => `${name}=0s${value.toString('base64')}`),
        '',
      ].join('\n'),
    )
    .join('\n');
  run('setfattr', ['-h', '--restore=-'], 'restoring extended attributes', dump + '\n');
}
