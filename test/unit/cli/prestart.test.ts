// The launcher starts the PID-namespace survey before node loads the CLI (src/cli/prestart.ts), hands it over to
// the scan (src/host/procfs/pidns-prestart.ts), and never waits for one nobody takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { prestartFor } from '../../../src/cli/prestart.js';
import { readHostNamespaces } from '../../../src/discovery/host-namespaces.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import { prestartPidnsSurvey, takePrestartedSurvey } from '../../../src/host/procfs/pidns-prestart.js';
import { scanHostAside } from '../../../src/snapshot/scanner.js';

const hostPidns = readHostNamespaces(new HostReader(hostPaths('/'))).namespaces.pid;
const FULL = 'a'.repeat(64);

/** Whether prestartFor(argv) left a survey to take (and takes it, so the next case starts clean). */
async function prestarted(...args: string[]): Promise<boolean> {
  prestartFor(['node', 'tctop', ...args]);
  const survey = takePrestartedSurvey('/proc', hostPidns);
  if (survey) await survey;
  return survey !== undefined;
}

test("started for ps, stats and inspect --pid of this host's /proc; not for references, other commands, --root, --help", async () => {
  assert.equal(await prestarted('ps', '--json'), true);
  assert.equal(await prestarted('ps', '-a'), true);
  assert.equal(await prestarted('stats', '--no-stream'), true);
  assert.equal(await prestarted('inspect', '--pid', '1234', FULL), true, '--pid may name a sandbox: only the pass finds it');
  assert.equal(await prestarted('inspect', '--pid=1234'), true);
  assert.equal(await prestarted('inspect', '--json', 'web'), false, "a runtime's container bearing it answers first");
  assert.equal(await prestarted('inspect', '--json', FULL, 'abc123'), false);
  assert.equal(await prestarted('top', 'web'), false);
  assert.equal(await prestarted('ps', '--root', '/host'), false);
  assert.equal(await prestarted('ps', '--root=/host'), false);
  assert.equal(await prestarted('ps', '--help'), false);
  assert.equal(await prestarted('serve'), false);
  assert.equal(await prestarted(), false);
});

test('taken once, and only by a scan of the same /proc and host PID namespace', async () => {
  prestartPidnsSurvey('/proc', hostPidns);
  assert.equal(takePrestartedSurvey('/host/proc', hostPidns), undefined);
  assert.equal(takePrestartedSurvey('/proc', (hostPidns ?? 0) + 1), undefined);
  const survey = takePrestartedSurvey('/proc', hostPidns);
  assert.ok(survey);
  assert.equal(takePrestartedSurvey('/proc', hostPidns), undefined, 'a second scan starts its own');
  const s = await survey;
  assert.ok(s && s.processCount > 0);
});

function fakeHelper(t: TestContext, script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-prestart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'helper');
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('a survey nobody takes does not keep the process alive; a taken one is waited for', (t) => {
  const slow = fakeHelper(t, 'sleep 5; printf "0\\0"');
  const mod = new URL('../../../src/host/procfs/pidns-prestart.js', import.meta.url).href;
  const run = (code: string) => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
    return { ...r, ms: Date.now() - t0 };
  };
  const untaken = run(`import { prestartPidnsSurvey } from '${mod}'; prestartPidnsSurvey('/proc', 1, '${slow}');`);
  assert.equal(untaken.status, 0, untaken.stderr);
  assert.ok(untaken.ms < 3000, `exited after ${untaken.ms} ms, not after the helper's 5 s`);
  const quick = fakeHelper(t, 'sleep 0.3; printf "42\\0"');
  const taken = run(
    `import { prestartPidnsSurvey, takePrestartedSurvey } from '${mod}'; prestartPidnsSurvey('/proc', 1, '${quick}'); setTimeout(() => takePrestartedSurvey('/proc', 1).then((s) => console.log(s.processCount)), 0);`,
  );
  assert.equal(taken.status, 0, taken.stderr);
  assert.equal(taken.stdout.trim(), '42', 'the scan got what the helper wrote, after waiting for it');
});

test('the scan of this host uses the survey the launcher started', async (t) => {
  prestartPidnsSurvey('/proc', hostPidns, fakeHelper(t, 'printf "7\\0"')); // a survey only this helper would give
  const snap = await scanHostAside({});
  assert.equal(snap.hostProcessCount, 7);
  assert.equal(takePrestartedSurvey('/proc', hostPidns), undefined, 'taken');
});
