// Docker's `local` log driver files, written here record by record as moby's local driver writes them (length,
// protobuf LogEntry, length): decoded as docker logs prints them, a long line's pieces joined, read from a tail
// offset and followed, rotated gzip files streamed; truncated files and lying lengths end the reading, not the process.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  decodeLogEntry,
  LocalLogCursor,
  LocalRecordSplitter,
  MAX_RECORD_BYTES,
  recordBoundaryFrom,
  rotatedRecords,
} from '../../../src/discovery/adapters/docker-local-log.js';
import { LogTail } from '../../../src/report/log-tail.js';

function varint(n: bigint): Buffer {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const bytesField = (field: number, b: Buffer) => Buffer.concat([key(field, 2), varint(BigInt(b.length)), b]);

interface Entry {
  source: 'stdout' | 'stderr';
  timeNano: bigint;
  line: string;
  partial?: { last: boolean; id: string; ordinal: number };
}

/** entry.proto's LogEntry, fields in order as gogo/protobuf marshals them. */
function message(e: Entry): Buffer {
  const parts = [bytesField(1, Buffer.from(e.source)), key(2, 0), varint(e.timeNano), bytesField(3, Buffer.from(e.line))];
  if (e.partial) {
    const md = Buffer.concat([
      ...(e.partial.last ? [key(1, 0), varint(1n)] : []),
      bytesField(2, Buffer.from(e.partial.id)),
      key(3, 0),
      varint(BigInt(e.partial.ordinal)),
    ]);
    parts.push(key(4, 0), varint(1n), bytesField(5, md));
  }
  return Buffer.concat(parts);
}

function record(e: Entry): Buffer {
  const m = message(e);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(m.length);
  return Buffer.concat([len, m, len]);
}

const T0 = 1_764_691_200_123_456_789n; // 2025-12-02T16:00:00.123456789Z

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-local-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('local log: records as docker logs prints them, streams apart, nanosecond times, a long line in pieces', (t) => {
  const file = join(tmp(t), 'container.log');
  const long = 'x'.repeat(16384);
  writeFileSync(
    file,
    Buffer.concat([
      record({ source: 'stdout', timeNano: T0, line: 'out 1' }),
      record({ source: 'stderr', timeNano: T0 + 1000n, line: 'err 1' }),
      record({ source: 'stdout', timeNano: T0 + 2000n, line: long, partial: { last: false, id: 'p1', ordinal: 1 } }),
      record({ source: 'stdout', timeNano: T0 + 3000n, line: 'end', partial: { last: true, id: 'p1', ordinal: 2 } }),
      record({ source: 'stdout', timeNano: 1_764_691_200_000_000_000n, line: 'é\ttab' }),
    ]),
  );
  const entries = new LocalLogCursor(file).read();
  assert.deepEqual(entries, [
    { stream: 'stdout', text: 'out 1\n', time: '2025-12-02T16:00:00.123456789Z' },
    { stream: 'stderr', text: 'err 1\n', time: '2025-12-02T16:00:00.123457789Z' },
    { stream: 'stdout', text: long, time: '2025-12-02T16:00:00.123458789Z' },
    { stream: 'stdout', text: 'end\n', time: '2025-12-02T16:00:00.123459789Z' },
    { stream: 'stdout', text: 'é\ttab\n', time: '2025-12-02T16:00:00.000000000Z' },
  ]);
  // the dashboard's view: the pieces are one line, cut for the view (its rest skipped), control characters escaped
  const tail = new LogTail(
    () => new LocalLogCursor(file),
    '/var/lib/docker/containers/x/local-logs/container.log',
    statSync(file).size,
    10,
  );
  assert.deepEqual(
    tail.lines.map((l) => [l.stream, l.text.length > 20 ? `${l.text.slice(0, 2)}..${l.text.slice(-3)}` : l.text]),
    [
      ['stdout', 'out 1'],
      ['stderr', 'err 1'],
      ['stdout', 'xx..xx…'],
      ['stdout', 'é\\ttab'],
    ],
  );
});

test('local log: followed as records are appended, a record written in two pieces waits for its rest', (t) => {
  const file = join(tmp(t), 'container.log');
  writeFileSync(file, record({ source: 'stdout', timeNano: T0, line: 'one' }));
  const cursor = new LocalLogCursor(file);
  assert.deepEqual(
    cursor.read().map((e) => e.text),
    ['one\n'],
  );
  const two = record({ source: 'stderr', timeNano: T0, line: 'two' });
  appendFileSync(file, two.subarray(0, 7));
  assert.deepEqual(cursor.read(), [], 'half a record: nothing yet');
  appendFileSync(file, Buffer.concat([two.subarray(7), record({ source: 'stdout', timeNano: T0, line: 'three' })]));
  assert.deepEqual(
    cursor.read().map((e) => [e.stream, e.text]),
    [
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
    ],
  );
  writeFileSync(file, record({ source: 'stdout', timeNano: T0, line: 'rotated' }));
  assert.deepEqual(
    cursor.read().map((e) => e.text),
    ['rotated\n'],
    'a new, shorter file (rotation) is read from its start',
  );
});

test('local log: a tail starts at the first whole record after its offset, found backwards by the trailers', (t) => {
  const file = join(tmp(t), 'container.log');
  const records = Array.from({ length: 3000 }, (_, i) => record({ source: 'stdout', timeNano: T0, line: `line ${i}` }));
  writeFileSync(file, Buffer.concat(records));
  const size = statSync(file).size;
  const tail = new LogTail(() => new LocalLogCursor(file), '/x/container.log', size, 100);
  assert.deepEqual(
    tail.lines.map((l) => l.text),
    Array.from({ length: 100 }, (_, i) => `line ${2900 + i}`),
  );
  const fd = openSync(file, 'r');
  t.after(() => closeSync(fd));
  const offsets = [0];
  for (const r of records) offsets.push(offsets.at(-1)! + r.length);
  assert.equal(recordBoundaryFrom(fd, size, offsets[1234]), offsets[1234], 'on a boundary: that record');
  assert.equal(recordBoundaryFrom(fd, size, offsets[1234] + 3), offsets[1235], 'mid-record: the next one');
  assert.equal(recordBoundaryFrom(fd, size, 0), 0);
  // the last record cut short (a write under way): no trailer to trust, so from the start
  appendFileSync(file, records[0].subarray(0, 9));
  assert.equal(recordBoundaryFrom(fd, size + 9, offsets[2000]), 0);
});

test('local log, hostile: a lying or huge length, a trailer that disagrees, garbage, a truncated file', (t) => {
  const dir = tmp(t);
  const good = record({ source: 'stdout', timeNano: T0, line: 'good' });
  const huge = Buffer.alloc(8);
  huge.writeUInt32BE(0xffffffff);
  const overBound = Buffer.alloc(4);
  overBound.writeUInt32BE(MAX_RECORD_BYTES + 1);
  const disagrees = Buffer.from(good);
  disagrees.writeUInt32BE(7, disagrees.length - 4);
  const lyingInner = Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.from([0x1a, 0x7f, 0x61, 0x62]), Buffer.from([0, 0, 0, 4])]);
  for (const [name, tailBytes] of [
    ['huge length', huge],
    ['over the bound', overBound],
    ['trailer disagrees', disagrees],
    ['a field longer than its record', lyingInner],
    ['garbage', Buffer.from('not a protobuf record at all, just text\n')],
  ] as const) {
    const file = join(dir, `${name}.log`);
    writeFileSync(file, Buffer.concat([good, tailBytes, good]));
    const cursor = new LocalLogCursor(file);
    assert.deepEqual(
      cursor.read().map((e) => e.text),
      ['good\n'],
      `${name}: what came before stands, the rest is ignored`,
    );
    assert.deepEqual(cursor.read(), [], `${name}: and stays ignored`);
    const size = statSync(file).size;
    assert.doesNotThrow(() => new LogTail(() => new LocalLogCursor(file), '/x', size, 10), name);
  }
  const cut = join(dir, 'cut.log');
  writeFileSync(cut, Buffer.concat([good, good.subarray(0, good.length - 3)]));
  assert.deepEqual(
    new LocalLogCursor(cut).read().map((e) => e.text),
    ['good\n'],
  );
  assert.equal(decodeLogEntry(Buffer.from([0x08])), null, 'a varint cut short');
  assert.equal(decodeLogEntry(Buffer.from([0x08, ...Array(11).fill(0xff)])), null, 'a varint past 10 bytes');
  assert.equal(decodeLogEntry(Buffer.from([0x0b])), null, 'a group wire type');
  // a splitter fed a lying length keeps no more than it was given
  const s = new LocalRecordSplitter();
  const claim = Buffer.alloc(4);
  claim.writeUInt32BE(MAX_RECORD_BYTES);
  assert.deepEqual(s.push(claim), []);
  assert.equal(s.broken, false, 'a record of the bound may still come');
  assert.deepEqual(s.push(Buffer.alloc(100)), []);
});

test('local log: rotated files streamed, gzip-compressed or not; a corrupt one yields what it held', async (t) => {
  const dir = tmp(t);
  const rec = (line: string) => record({ source: 'stdout', timeNano: T0, line });
  writeFileSync(join(dir, 'container.log.2.gz'), gzipSync(Buffer.concat([rec('a'), rec('b')])));
  writeFileSync(join(dir, 'container.log.1'), Buffer.concat([rec('c')]));
  writeFileSync(join(dir, 'bad.gz'), Buffer.concat([gzipSync(rec('d')).subarray(0, 12)]));
  const all = async (f: string) => {
    const out: string[] = [];
    for await (const batch of rotatedRecords(join(dir, f))) out.push(...batch.map((e) => e.text));
    return out;
  };
  assert.deepEqual(await all('container.log.2.gz'), ['a\n', 'b\n']);
  assert.deepEqual(await all('container.log.1'), ['c\n']);
  assert.deepEqual(await all('bad.gz'), [], 'a cut gzip stream: nothing, no error');
  assert.deepEqual(await all('missing.gz'), [], 'gone: nothing, no error');
});
