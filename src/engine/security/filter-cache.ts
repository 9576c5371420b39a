// Compiling docker's profile costs ~3-6 ms of every `tctop run`; the program depends only on the profile text, the
// container's capabilities, the kernel release and this build of tctop, so it is kept under $TCTOP_ROOT/cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tctopRoot } from '../images/store-paths.js';

/** Changes with every build (the compiler's code is in this file's bundle or tree). */
function buildStamp(): string {
  try {
    return String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    return 'unknown';
  }
}

export function cachedFilter(profileText: string, caps: string[], compile: () => Buffer): Buffer {
  const key = createHash('sha256')
    .update([profileText, caps.join(','), release(), process.arch, buildStamp()].join('\0'))
    .digest('hex');
  const dir = join(tctopRoot(), 'cache', 'seccomp');
  const path = join(dir, `${key}.bpf`);
  try {
    const cached = readFileSync(path);
    if (cached.length > 0 && cached.length % 8 === 0) return cached;
  } catch {
    /* not cached yet */
  }
  const program = compile();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, program, { mode: 0o600 });
    renameSync(temp, path); // whole or absent: a reader never sees half a program
  } catch {
    /* a read-only or missing root: compile every time */
  }
  return program;
}
