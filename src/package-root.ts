// The installed package's root (package.json, bin/, native/), found by walking up from this module: the compiled
// tree (dist/src/...), the bundle (dist/cli/...) and the sources sit at different depths below it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function packageRoot(): string {
  if (found) return found;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'tctop'))) return (found = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the tctop package root above ${start}`);
    dir = up;
  }
}

/** The CLI launcher, so child tctop processes (reaper, dashboard actions) run the same build. */
export function cliPath(): string {
  return join(packageRoot(), 'bin', 'tctop');
}
