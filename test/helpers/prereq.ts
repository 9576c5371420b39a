// Tests that need root, Docker, a terminal or another real program run for real in CI (CI=true).
// Outside CI, a missing prerequisite skips the test with the reason; in CI it fails the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Returns true when the test must stop here (it was skipped). Fails the test in CI. */
export function missing(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return false;
  if (inCI) assert.fail(`prerequisite missing in CI: ${what}`);
  t.skip(`needs ${what}`);
  return true;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Run a command, throw with its stderr on failure, return stdout. */
export function sh(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    env: opts.env ?? process.env,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}
