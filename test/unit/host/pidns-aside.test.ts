import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNsLink } from '../../../src/host/procfs/namespaces.js';
import { parsePidnsOutput } from '../../../src/host/procfs/pidns-aside.js';

test('the helper\'s count and "<pid>\\0<link>\\0" pairs parse as the links would parse read here, odd ones included', () => {
  const links = [
    'pid:[4026531836]',
    '',
    'pid:[]',
    'garbage',
    'pid:[12x]',
    'pid:[0007]',
    'pid:[4026531836',
    'ünïcode:[5]',
    'pid:[99999999999999999999]',
  ];
  const out = Buffer.concat([Buffer.from('5012\0'), ...links.map((l, i) => Buffer.from(`${100 + i}\0${l}\0`))]);
  const survey = parsePidnsOutput(out)!;
  assert.equal(survey.processCount, 5012);
  const table = survey.outsideHost;
  assert.deepEqual(
    [...table.keys()],
    links.map((_, i) => 100 + i),
  );
  links.forEach((l, i) => assert.equal(table.get(100 + i), parseNsLink(l || null), `link ${JSON.stringify(l)}`));
  // a truncated tail and a non-numeric PID are dropped, not guessed
  assert.deepEqual(
    [...parsePidnsOutput(Buffer.from('3\x007\x00pid:[1]\x00x1\x00pid:[2]\x008\x00pid:[3]'))!.outsideHost.entries()],
    [[7, 1]],
  );
  // no count, no survey: the scan reads the links itself
  assert.equal(parsePidnsOutput(Buffer.from('')), null);
  assert.equal(parsePidnsOutput(Buffer.from('x\x007\x00pid:[1]\x00')), null);
});
