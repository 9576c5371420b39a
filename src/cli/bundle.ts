// Build step, not part of the CLI (`npm run bundle`, after tsc): the compiled CLI (dist/src) bundled by esbuild into
// CommonJS files the launcher starts (launch.ts): the whole CLI (dist/cli/tctop.cjs), one bundle per command group
// holding that group alone (dist/cli/commands/<group>.cjs), and the launcher itself (dist/cli/launch.cjs).
//
// Why per group: a one-shot command reads, and maps from its code cache, its whole bundle at every start; the whole
// CLI is ~800 KB, `run`'s group alone about a third of that. The groups' list is commands/groups.ts; a group bundle
// keeps its own group's modules alone because TCTOP_BUNDLE_GROUP (commands/index.ts) is a constant in it.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { WRAP_CLOSE, WRAP_OPEN } from './bundle-wrapper.js';
import { COMMAND_GROUPS } from './commands/groups.js';

/** Loaded from node_modules at run time: large, or loaded only by long-running commands. */
const EXTERNAL = [
  'bcryptjs',
  'blessed',
  'blessed-contrib',
  'chokidar',
  'prom-client',
  'proper-lockfile',
  'systeminformation',
  'tar',
  'yaml',
];

/** Groups that get no bundle of their own: the dashboard starts once and runs for long (the whole CLI serves it). */
const WHOLE_CLI_ONLY = new Set(['top']);

/**
 * commander requires node:child_process when it loads, for executable subcommands (tctop has none): that module
 * brings net, dgram and the streams with it, ~3 ms of every command's start. Commander gets a stand-in that
 * requires the real one on first use instead.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "let real; const load = () => (real ??= require('node:child_process'));\n" +
        'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });\n',
      loader: 'js',
    }));
  },
};

/**
 * src/lazy-builtin.ts makes its require with node:module's createRequire, as an ES module must (dist/src); a
 * CommonJS bundle has its own require, so it gets a copy that uses that one: node:module (~0.5 ms to load) and a
 * file URL turned back into a path (~0.4 ms) are then no part of a start.
 */
const lazyBuiltinOnOwnRequire: Plugin = {
  name: 'lazy-builtin-on-own-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]lazy-builtin\.js$/ }, () => ({
      contents: 'export function lazyBuiltin(name) { let loaded; return () => (loaded ??= require(name)); }\n',
      loader: 'js',
    }));
  },
};

const dist = process.argv[2] ?? 'dist';
const out = join(dist, 'cli');
/** package.json's version, a constant in the bundles (src/version.ts): no file to find and read at start. */
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const MODULE_URL = "const __tctop_module_url = require('node:url').pathToFileURL(__filename).href;";

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // no import(): the launcher runs a bundle through vm.Script, whose code cache keeps require()s only
  supported: { 'dynamic-import': false },
  // non-ASCII source would make the whole bundle a two-byte string: twice the bytes to read and hash
  charset: 'ascii',
  banner: { js: MODULE_URL },
  logLevel: 'warning',
  // whitespace and comments out, syntax shortened, names kept: a third less to read and turn into a string at every
  // start (~3 ms of a cached `build` measured); a stack trace still names the functions
  minifyWhitespace: true,
  minifySyntax: true,
};

function cliBundle(outfile: string, group?: string): BuildOptions {
  return {
    ...common,
    // the module wrapper in the file: the launcher compiles the text as read (bundle-wrapper.ts); node's own
    // require() of such a file would only evaluate a function expression
    banner: { js: WRAP_OPEN + MODULE_URL },
    footer: { js: WRAP_CLOSE },
    entryPoints: [join(dist, 'src/cli/main.js')],
    outfile,
    external: EXTERNAL,
    plugins: [lazyChildProcessForCommander, lazyBuiltinOnOwnRequire],
    define: {
      'import.meta.url': '__tctop_module_url',
      'globalThis.TCTOP_BUNDLE_GROUP': group === undefined ? 'undefined' : JSON.stringify(group),
      'globalThis.TCTOP_VERSION': JSON.stringify(version),
    },
  };
}

rmSync(out, { recursive: true, force: true });
const groups = COMMAND_GROUPS.map((names) => names[0]).filter((g) => !WHOLE_CLI_ONLY.has(g));
await Promise.all([
  build(cliBundle(join(out, 'tctop.cjs'))),
  ...groups.map((g) => build(cliBundle(join(out, 'commands', `${g}.cjs`), g))),
  build({
    ...common,
    entryPoints: [join(dist, 'src/cli/launch.js')],
    outfile: join(out, 'launch.cjs'),
    plugins: [lazyBuiltinOnOwnRequire],
    define: { 'import.meta.url': '__tctop_module_url' },
  }),
]);

// esbuild escapes non-ASCII in strings but leaves regular expression literals as written
for (const file of [join(out, 'tctop.cjs'), ...groups.map((g) => join(out, 'commands', `${g}.cjs`))]) {
  const at = readFileSync(file).findIndex((byte) => byte > 0x7f);
  if (at >= 0) console.warn(`bundle: ${file} is not ASCII at byte ${at} (a regex literal? write the character as \\u escape)`);
}
