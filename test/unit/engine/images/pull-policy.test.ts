// docker's --pull policies, and TCTOP_PULL_POLICY as the default when no flag names one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import { defaultPullPolicy, parsePullPolicy } from '../../../../src/engine/images/pull-policy.js';

test('the three policies parse; anything else is a usage error naming the flag', () => {
  for (const p of ['missing', 'always', 'never'] as const) assert.equal(parsePullPolicy(p), p);
  for (const bad of ['Missing', 'newer', '', 'never ', 'true']) {
    assert.throws(
      () => parsePullPolicy(bad),
      (err: Error) => err instanceof UsageError && /^invalid --pull "/.test(err.message),
    );
  }
  // a hostile value never reaches the terminal raw
  assert.throws(
    () => parsePullPolicy('x\u001b[2J', 'TCTOP_PULL_POLICY'),
    (err: Error) => err.message.startsWith('invalid TCTOP_PULL_POLICY "x') && !err.message.includes('\u001b'),
  );
});

test("the default is docker's (missing), or TCTOP_PULL_POLICY when set", () => {
  assert.equal(defaultPullPolicy({}), 'missing');
  assert.equal(defaultPullPolicy({ TCTOP_PULL_POLICY: '' }), 'missing');
  assert.equal(defaultPullPolicy({ TCTOP_PULL_POLICY: 'never' }), 'never');
  assert.equal(defaultPullPolicy({ TCTOP_PULL_POLICY: 'always' }), 'always');
  assert.throws(
    () => defaultPullPolicy({ TCTOP_PULL_POLICY: 'often' }),
    /invalid TCTOP_PULL_POLICY "often": expected missing, always or never/,
  );
});
