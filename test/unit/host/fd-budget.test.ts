// The descriptor budget a long-running scanner keeps files open within, from /proc/<pid>/limits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultMaxOpen, MAX_BUDGET } from '../../../src/host/fd-budget.js';

const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     \n`;

test('the soft limit less an eighth (at least 1,024), at least half of it, at most MAX_BUDGET; unreadable is 256', () => {
  assert.equal(defaultMaxOpen(limits('20000', '20000')), 17_500);
  assert.equal(defaultMaxOpen(limits('4096', '4096')), 3072);
  assert.equal(defaultMaxOpen(limits('1024', '524288')), 512);
  assert.equal(defaultMaxOpen(limits('1048576', '1048576')), MAX_BUDGET);
  assert.equal(defaultMaxOpen(limits('unlimited', 'unlimited')), MAX_BUDGET);
  assert.equal(defaultMaxOpen('no such line\n'), 256);
  assert.equal(defaultMaxOpen(limits('1', '1')), 0);
});

test("this process's own limit is read when no text is given", () => {
  const own = defaultMaxOpen(readFileSync('/proc/self/limits', 'utf8'));
  assert.equal(defaultMaxOpen(), own);
  assert.ok(own > 0);
});
