// Compiling docker's profile costs ~3-6 ms of every `tctop run`; the program depends only on the profile text, the
// container's capabilities, the kernel release and this build of tctop, so it is kept under $TCTOP_ROOT/cache.
// docker's default profile ships with this build, so its key needs no hash of its text: neither reading the profile
// nor loading node:crypto (~3 ms) is on `run`'s path then; a user's profile is hashed.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** docker's default profile (the one this build ships), or a user's profile file's text. */
export type ProfileSource = { kind: 'default' } | { kind: 'custom'; text: string };

/** The file name a program is cached under: exact for the default profile, a sha256 of the text for a user's. */
export function filterKey(profile: ProfileSource, capsMask: string): string {
  const rest = [release(), process.arch, buildStamp()].join('\0');
  if (profile.kind === 'default') return `default-${capsMask}-${rest.replace(/[^\w.-]+/g, '_')}`;
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update([profile.text, capsMask, rest].join('\0')).digest('hex');
}

export function cachedFilter(profile: ProfileSource, capsMask: string, compile: () => Buffer): Buffer {
  const key = filterKey(profile, capsMask);
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
