// Where the native shim lives: <package root>/native/build/tctop-shim, found from this file (src/ or dist/src/).
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new UsageError('cannot find the tctop package root (no package.json with native/ above ' + fileURLToPath(import.meta.url) + ')');
    dir = up;
  }
}

export function shimBinaryPath(): string {
  const path = resolve(packageRoot(), 'native', 'build', 'tctop-shim');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`the native shim ${path} is missing: run npm run build`);
  }
  return path;
}
