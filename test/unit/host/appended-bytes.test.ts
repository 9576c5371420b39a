// Reading what a writer appended to a file: from an offset, in bounded batches, starting over when the file shrank.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAppended } from '../../../src/host/appended-bytes.js';
import { LogCursor } from '../../../src/engine/containers/log-reader.js';

/** One read from `from`: the text got, the new offset, and whether it restarted. */
function readFrom(path: string, from: number, maxBytes = 1 << 20, chunkBytes = 4, stopAfter = Infinity) {
  const chunks: string[] = [];
  let restarted = false;
  const offset = readAppended(path, {
    from,
    maxBytes,
    chunkBytes,
    onRestart: () => {
      restarted = true;
    },
    onChunk: (chunk) => {
      chunks.push(chunk.toString());
      return chunks.length < stopAfter;
    },
  });
  return { text: chunks.join(''), chunks, offset, restarted };
}

test('readAppended: no file, appended bytes from an offset, a bound per read, a stop, a shrunk file read anew', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-appended-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'grows');
  assert.equal(readFrom(path, 0).offset, undefined, 'no file yet: nothing read, no offset');
  writeFileSync(path, 'abcdefghij');
  assert.deepEqual(readFrom(path, 0), { text: 'abcdefghij', chunks: ['abcd', 'efgh', 'ij'], offset: 10, restarted: false });
  appendFileSync(path, 'KLM');
  assert.deepEqual(readFrom(path, 10), { text: 'KLM', chunks: ['KLM'], offset: 13, restarted: false });
  assert.deepEqual(readFrom(path, 13).offset, 13, 'nothing new: the offset stays');
  const bounded = readFrom(path, 0, 5);
  assert.equal(bounded.text, 'abcdefgh', 'reads stop once maxBytes is reached, at a chunk boundary');
  assert.equal(bounded.offset, 8);
  const stopped = readFrom(path, 0, 1 << 20, 4, 1);
  assert.equal(stopped.text, 'abcd', 'onChunk returning false stops the read');
  assert.equal(stopped.offset, 4);
  writeFileSync(path, 'new');
  assert.deepEqual(readFrom(path, 13), { text: 'new', chunks: ['new'], offset: 3, restarted: true });
});

test('the json-file cursor drops the old file partial line when the log is truncated', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-appended-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'container.log');
  const line = (log: string) => JSON.stringify({ log, stream: 'stdout', time: 't' }) + '\n';
  writeFileSync(path, line('one\n') + line('cut off\n').slice(0, 12));
  const cursor = new LogCursor(path);
  assert.deepEqual(
    cursor.read().map((e) => e.text),
    ['one\n'],
  );
  writeFileSync(path, line('two\n'));
  assert.deepEqual(
    cursor.read().map((e) => e.text),
    ['two\n'],
    'the new file is read from its start, without the old partial line in front',
  );
});
