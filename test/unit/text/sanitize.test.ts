import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cell, decodeHostBytes, escapeControls, truncate } from '../../../src/text/sanitize.js';

test('escape sequences never survive: OSC title, CSI, C1 and bidi overrides are shown escaped', () => {
  const hostile = 'a\x1b]2;PWNED\x07b\x1b[2Jc\u009bd\u202ee';
  const out = escapeControls(hostile);
  assert.equal(out, 'a\\e]2;PWNED\\x07b\\e[2Jc\\x9bd\\u202ee');
  assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
});

test('newlines and tabs are visible, printable text is untouched', () => {
  assert.equal(escapeControls('x\ny\tz'), 'x\\ny\\tz');
  assert.equal(escapeControls('héllo ✓ 容器'), 'héllo ✓ 容器');
});

test('invalid UTF-8 bytes are kept as \\xNN, valid multibyte text is decoded', () => {
  const buf = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' é '), Buffer.from([0xe2, 0x82])]);
  assert.equal(decodeHostBytes(buf), 'ok \\xff\\xfe é \\xe2\\x82');
  assert.equal(decodeHostBytes(Buffer.from('plain')), 'plain');
  // a real U+FFFD in valid input is not mistaken for an invalid byte
  assert.equal(decodeHostBytes(Buffer.from('a\ufffdb')), 'a\ufffdb');
});

test('truncate bounds megabytes of text and marks the cut', () => {
  const big = 'x'.repeat(2 << 20);
  const t = truncate(big, 50);
  assert.equal(Array.from(t).length, 50);
  assert.ok(t.endsWith('…'));
  assert.equal(truncate('short', 50), 'short');
  assert.equal(cell('\x1b[31mred', 8), '\\e[31mr…');
});
