// Starting the bundled CLI: the bundle of the command's group alone when there is one (dist/cli/commands/<group>.cjs,
// built by src/cli/bundle.ts: a third of the whole CLI's size for `run`, less to read and to map from the cache),
// else the whole CLI (dist/cli/tctop.cjs: help, the dashboard, typos); and with a V8 code cache. A cold command
// spends ~10 ms compiling the bundle's functions; V8 can keep that work (bytecode) in a cache and take it back next
// time. One cache per command (run, ps, inspect...), made by its first run, so each holds what that command compiles.
// Node 22 has this built in (module.enableCompileCache); on Node 20 it is vm.Script's cachedData.
//
// A cache is code: it is read only from a directory of our own user that nobody else may write to, and its name
// carries the bundle's identity (V8 itself checks only the source's length) and a tag of its path, so two installs
// (checkouts) on one host keep a cache each instead of evicting each other's. Any failure just compiles as usual.
// Where: /var/cache/tctop/v8 for root, else $XDG_CACHE_HOME/tctop/v8; TCTOP_CODE_CACHE_DIR moves it,
// TCTOP_NO_CODE_CACHE=1 turns it off.
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { ranSlowPath } from '../code-cache-hint.js';
import { lazyBuiltin } from '../lazy-builtin.js';
import { WRAP_CLOSE, WRAP_OPEN } from './bundle-wrapper.js';
import { commandGroup } from './commands/groups.js';
import { prestartFor } from './prestart.js';

// loaded where used: node:os only for a user without $XDG_CACHE_HOME
const os = lazyBuiltin<typeof import('node:os')>('node:os');
const nodeModule = lazyBuiltin<typeof import('node:module')>('node:module');

/** Long-running commands (and the dashboard, started with no command) gain nothing from a faster start. */
const NOT_CACHED = new Set(['serve', 'top', 'help']);

function cacheDir(): string {
  if (process.env.TCTOP_CODE_CACHE_DIR) return process.env.TCTOP_CODE_CACHE_DIR;
  const uid = process.geteuid?.() ?? -1;
  if (uid === 0) return '/var/cache/tctop/v8';
  const base = process.env.XDG_CACHE_HOME || join(os().homedir(), '.cache');
  return join(base, 'tctop', 'v8');
}

/** Ours alone: owned by this user, writable by nobody else. */
function trusted(st: Stats): boolean {
  return st.uid === process.geteuid?.() && (st.mode & 0o022) === 0;
}

function ownDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && trusted(st);
  } catch {
    return false;
  }
}

function readCache(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    return st.isFile() && trusted(st) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes the command's cache whole (or not at all), and drops its caches for older builds of this bundle. */
function writeCache(dir: string, name: string, prefix: string, data: Buffer): void {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== name) rmSync(join(dir, old), { force: true });
  } catch {
    rmSync(tmp, { force: true });
    /* a read-only or full disk: the next run compiles again */
  }
}

/** The command word, as a cache file name; undefined for commands not worth a cache. */
function commandOf(argv: string[]): string | undefined {
  const word = argv[2];
  if (word === undefined || !commandGroup(word) || NOT_CACHED.has(word)) return undefined; // a typo gets no file
  return word;
}

/** FNV-1a of the bundle's path: which install a cache belongs to. */
function pathTag(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

interface CacheNames {
  /** This command of this install. */
  prefix: string;
  /** This build of it, as written by a run that took no slow path, and as written by one that did. */
  name: string;
  slowName: string;
}

/** The cache file's names (code-cache-hint.ts says what a slow path is). */
function cacheNames(command: string | undefined, dir: string, bundle: string): CacheNames | undefined {
  if (!command || process.env.TCTOP_NO_CODE_CACHE || !ownDir(dir)) return undefined;
  const st = statSync(bundle);
  const prefix = `${command}-${pathTag(bundle)}-`;
  const build = `${prefix}${process.version}-${st.ino}-${st.size}-${Math.trunc(st.mtimeMs)}`;
  return { prefix, name: `${build}.bin`, slowName: `${build}.slow.bin` };
}

/** The bundle to start: the command group's own when it was built, else the whole CLI's. */
function bundleFor(whole: string, argv: string[]): { path: string; source: string } {
  const group = commandGroup(argv[2]);
  if (group && group !== 'top') {
    const own = join(dirname(whole), 'commands', `${group}.cjs`);
    try {
      return { path: own, source: readFileSync(own, 'utf8') };
    } catch {
      /* not built (an older build step): the whole CLI has every command */
    }
  }
  return { path: whole, source: readFileSync(whole, 'utf8') };
}

/**
 * Runs the command's CommonJS bundle (`whole`, or its group's beside it) as node would, with the code cache.
 * `requireHere`: the launcher's own require, for the bundle's (both resolve the package's node_modules alike).
 */
export function launch(whole: string, argv: string[], requireHere?: NodeJS.Require): void {
  try {
    prestartFor(argv); // the host scan's slowest part starts on the other core while the CLI loads (prestart.ts)
  } catch {
    /* best effort: the scan starts it itself */
  }
  const { path: bundle, source } = bundleFor(whole, argv);
  const command = commandOf(argv);
  const dir = cacheDir();
  const cache = cacheNames(command, dir, bundle);
  const typical = cache ? readCache(join(dir, cache.name)) : undefined;
  const cachedData = typical ?? (cache ? readCache(join(dir, cache.slowName)) : undefined);
  // built wrapped (bundle.ts): compiled as read, no second copy of the source made here
  const wrapped = source.startsWith(WRAP_OPEN) ? source : WRAP_OPEN + source + WRAP_CLOSE;
  const script = new Script(wrapped, {
    filename: bundle,
    cachedData, // the bundle has no import(): its dynamic imports are require()s, which a cached script keeps
  });
  const fresh = !cachedData || script.cachedDataRejected;
  if (cache && (fresh || !typical)) {
    process.once('exit', () => {
      const slow = ranSlowPath();
      // the cache holds every function this run compiled, those taken from the cache it read too: a run that took
      // no slow path, having read a slow run's cache, drops it, so that the next run writes one of its own
      if (fresh) writeCache(dir, slow ? cache.slowName : cache.name, cache.prefix, script.createCachedData());
      else if (!slow) rmSync(join(dir, cache.slowName), { force: true });
    });
  }
  const module = { exports: {} as { main(argv: string[]): Promise<void> } };
  const bundleRequire = requireHere ?? nodeModule().createRequire(bundle);
  script.runInThisContext()(module.exports, bundleRequire, module, bundle, dirname(bundle));
  void module.exports.main(argv);
}
