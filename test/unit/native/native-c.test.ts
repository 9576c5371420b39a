// The shim's pure C functions (launch.conf parsing and percent-decoding, json-file records and their UTF-8
// handling), tested in C by native/test/unit.c: built and run through `make -C native test`, each check one subtest
// here so the runner counts them.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('native unit tests (native/test/unit.c)', async (t) => {
  const r = spawnSync('make', ['-s', '-C', 'native', 'test'], { encoding: 'utf8', timeout: 120_000 });
  const lines = r.stdout.split('\n').filter((l) => /^(not )?ok \d+ /.test(l));
  assert.ok(lines.length >= 30, `expected the C checks to run; make said:\n${r.stdout}${r.stderr}`);
  for (const line of lines) {
    const m = /^(not )?ok \d+ (.*)$/.exec(line)!;
    await t.test(m[2], () => assert.ok(!m[1], line));
  }
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^PASS: 0 of \d+ checks failed$/m);
});
