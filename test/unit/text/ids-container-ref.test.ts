// Full IDs and container references: the one rule the engine and the observer share (text/ids.ts,
// text/container-ref.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmbiguousError, NotFoundError, UsageError } from '../../../src/errors.js';
import { resolveRef } from '../../../src/text/container-ref.js';
import { FULL_ID_HEX, isFullId, shortId } from '../../../src/text/ids.js';

const full = 'c0ffee' + '0'.repeat(58);

test('a full ID is 64 lowercase hex digits; only those are shortened', () => {
  assert.equal(isFullId(full), true);
  assert.equal(isFullId(full.toUpperCase()), false);
  assert.equal(isFullId(full.slice(1)), false);
  assert.equal(isFullId(`${full}\n`), false);
  assert.equal(shortId(full), 'c0ffee000000');
  assert.equal(shortId('my-lxc-box'), 'my-lxc-box');
  assert.match(`/docker/${full}`, new RegExp(`/docker/${FULL_ID_HEX}$`));
});

test('resolveRef: full ID, then name (a leading slash dropped, as docker), then a unique prefix', () => {
  const cs = [
    { id: full, name: 'web' },
    { id: 'c0ffee1' + '0'.repeat(57), name: 'c0ffee' },
    { id: 'beef' + '0'.repeat(60), name: 'db' },
  ];
  const show = (c: { id: string; name: string }) => `${shortId(c.id)} (${c.name})`;
  assert.equal(resolveRef(cs, full, show), cs[0]);
  assert.equal(resolveRef(cs, 'web', show), cs[0]);
  assert.equal(resolveRef(cs, '/web', show), cs[0]);
  assert.equal(resolveRef(cs, 'c0ffee', show), cs[1], 'a name wins over an ID prefix');
  assert.equal(resolveRef(cs, 'be', show), cs[2]);
  assert.throws(
    () => resolveRef(cs, 'c0ff', show),
    (e: Error) =>
      e instanceof AmbiguousError && /"c0ff" matches 2 containers: c0ffee000000 \(web\), c0ffee100000 \(c0ffee\)/.test(e.message),
  );
  assert.throws(
    () => resolveRef(cs, 'nope\u001b[2J', show),
    (e: Error) => e instanceof NotFoundError && e.message === 'no such container: nope\\e[2J',
  );
  assert.throws(() => resolveRef(cs, '', show), UsageError);
});
