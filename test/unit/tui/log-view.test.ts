// The logs view's reader and search: the tail of a docker json-file and of a CRI log, followed as lines are
// appended, bounded, escaped; and the search's wrap-around in both directions.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogTail } from '../../../src/report/log-tail.js';
import { LogCursor, parseCriLine, parseLogLine } from '../../../src/engine/containers/log-reader.js';
import { findLine } from '../../../src/tui/view/log-search.js';

const json = (text: string, stream = 'stdout') => `${JSON.stringify({ log: text, stream, time: '2026-01-01T00:00:00Z' })}\n`;

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-logtail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('log tail: the last lines of a json-file, then what is appended; partial lines joined; escapes shown', (t) => {
  const file = join(tmp(t), 'c.log');
  writeFileSync(file, Array.from({ length: 50 }, (_, i) => json(`line ${i}\n`)).join(''));
  const tail = new LogTail(() => new LogCursor(file, parseLogLine), '/var/lib/docker/x/c.log', 0, 10);
  assert.deepEqual(
    tail.lines.map((l) => l.text),
    Array.from({ length: 10 }, (_, i) => `line ${40 + i}`),
  );
  appendFileSync(file, json('new \x1b[31mred\x1b[0m\n', 'stderr') + json('half '));
  assert.equal(tail.poll(), 2);
  assert.equal(tail.lines.at(-2)?.text, 'new \\e[31mred\\e[0m');
  assert.equal(tail.lines.at(-2)?.stream, 'stderr');
  assert.equal(tail.lines.at(-1)?.text, 'half ', 'a line without its end yet is shown');
  appendFileSync(file, json('done\n'));
  assert.equal(tail.poll(), 0, 'its rest replaces it');
  assert.equal(tail.lines.at(-1)?.text, 'half done');
  assert.equal(tail.lines.length, 10, 'bounded');
  assert.equal(tail.dropped, 2);
});

test('log tail: a big log is read from near its end, a CRI log parsed', (t) => {
  const file = join(tmp(t), '0.log');
  const line = (i: number) => `2026-01-01T00:00:00.000000000Z stdout F cri line ${i} ${'x'.repeat(1000)}\n`;
  writeFileSync(file, Array.from({ length: 2000 }, (_, i) => line(i)).join(''));
  const size = 2000 * line(0).length;
  const tail = new LogTail(() => new LogCursor(file, parseCriLine), '/var/log/pods/x/0.log', size, 20);
  assert.equal(tail.lines.length, 20);
  assert.match(tail.lines[19].text, /^cri line 1999 x+$/);
  assert.match(tail.lines[0].text, /^cri line 1980 /);
});

test('log search: next and previous match, wrapping, case-insensitive', () => {
  const lines = ['alpha', 'Beta', 'gamma', 'beta two'];
  assert.equal(findLine(lines, 'beta', 0, 1), 1);
  assert.equal(findLine(lines, 'beta', 1, 1), 3);
  assert.equal(findLine(lines, 'beta', 3, 1), 1, 'wraps');
  assert.equal(findLine(lines, 'beta', 1, -1), 3, 'backwards, wrapping');
  assert.equal(findLine(lines, 'nothing', 0, 1), -1);
  assert.equal(findLine(lines, '', 0, 1), -1);
});
