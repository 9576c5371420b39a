// Where the native shim lives: <package root>/native/build/tctop-shim.
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';

export function shimBinaryPath(): string {
  const path = resolve(packageRoot(), 'native', 'build', 'tctop-shim');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`the native shim ${path} is missing: run npm run build`);
  }
  return path;
}
