#!/usr/bin/env node
// Runs the compiled test files with node's own runner: `node test/run.mjs [unit|integration] [filter]`.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = ['unit', 'integration', 'vm'];
const which = process.argv[2] && suites.includes(process.argv[2]) ? [process.argv[2]] : suites;
const filter = process.argv[3] ?? (process.argv[2] && !suites.includes(process.argv[2]) ? process.argv[2] : undefined);

function listOr(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = which.flatMap((s) => walk(join('dist', 'test', s))).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
// The CLI's V8 code caches of this run live in a directory of its own, removed after (not in /var/cache/tctop).
const codeCache = mkdtempSync(join(tmpdir(), 'tctop-test-v8-'));
// One file at a time: integration tests share dockerd, cgroups and a 2-core machine.
// The engine's default bridge: every test gives its containers a bridge of its own (or none), so a tctop0 that
// appears during the run is a test's leak, reported and removed here rather than left on the host.
const defaultBridge = '/sys/class/net/tctop0';
const bridgeBefore = existsSync(defaultBridge);
// No tctop a test starts pulls an image it was not told to (run, create and build pull a missing image from its
// registry, docker.io for a bare name): a test that means to pull names a loopback registry and the policy itself.
const env = { ...process.env, TCTOP_CODE_CACHE_DIR: join(codeCache, 'v8'), TCTOP_PULL_POLICY: process.env.TCTOP_PULL_POLICY ?? 'never' };
// The engine's per-container cgroups and name links: one that appears during the run and is still there at its end
// is a test's leak (a root removed before its containers), reported and removed here rather than left on the host.
const engineLeftovers = () => {
  const found = [];
  const dirs = ['/sys/fs/cgroup/tctop', ...listOr('/sys/fs/cgroup').map((c) => join('/sys/fs/cgroup', c, 'tctop')), '/run/tctop/names'];
  for (const dir of dirs) for (const id of listOr(dir)) if (/^[0-9a-f]{64}$/.test(id)) found.push(join(dir, id));
  return found;
};
const leftoversBefore = new Set(engineLeftovers());
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', env });
rmSync(codeCache, { recursive: true, force: true });
const leaked = engineLeftovers().filter((p) => !leftoversBefore.has(p));
if (leaked.length > 0) {
  console.error(`test/run.mjs: the run left ${leaked.length} engine cgroups or name links:\n  ${leaked.slice(0, 20).join('\n  ')}`);
  for (const p of leaked) {
    if (p.startsWith('/run/')) rmSync(p, { force: true });
    else spawnSync('rmdir', [p], { stdio: 'ignore' }); // one still holding processes stays: the message says so
  }
  process.exit(1);
}
if (!bridgeBefore && existsSync(defaultBridge)) {
  console.error('test/run.mjs: the run left the default bridge tctop0 (a test ran a container without its own bridge); removed');
  spawnSync('ip', ['link', 'del', 'tctop0'], { stdio: 'ignore' });
  spawnSync('nft', ['delete', 'table', 'ip', 'tctop0'], { stdio: 'ignore' });
  process.exit(1);
}
process.exit(r.status ?? 1);
