// Docker's `local` log driver: <container dir>/local-logs/container.log, each record a 4-byte big-endian length, a
// protobuf LogEntry (moby's api/types/plugins/logdriver/entry.proto) and the same length again, so the file reads
// forwards and backwards; rotated files are container.log.1, .2... (gzip-compressed unless compress=false).
// Decoded by hand: the five fields need only varints and length-delimited bytes, and every length is bounded here
// (the host is hostile input: a truncated file or a lying length ends the reading, never the process or its memory).
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { LogEntry } from '../../engine/containers/log-reader.js';
import { readAppended } from '../../host/appended-bytes.js';

/** docker's own bound (daemon/logger/local: maxMsgLen 1e6): a longer record is not one it wrote. */
export const MAX_RECORD_BYTES = 1_000_000;
const FRAME = 4;

interface RawEntry {
  source: string;
  timeNano: bigint;
  line: Buffer;
  partial: boolean;
  last: boolean;
}

/** A varint at `at`: its value and where the next field starts; null when cut short or longer than 10 bytes. */
function varint(buf: Buffer, at: number): { value: bigint; next: number } | null {
  let value = 0n;
  for (let i = 0; i < 10 && at + i < buf.length; i++) {
    const b = buf[at + i];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value, next: at + i + 1 };
  }
  return null;
}

/** Every field of a message as (number, wire type, value): varints as bigint, length-delimited as a slice. */
function* fields(buf: Buffer): Generator<{ field: number; varint?: bigint; bytes?: Buffer }> {
  let at = 0;
  while (at < buf.length) {
    const key = varint(buf, at);
    if (!key) throw new RangeError('cut-short key');
    at = key.next;
    const field = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (wire === 0) {
      const v = varint(buf, at);
      if (!v) throw new RangeError('cut-short varint');
      at = v.next;
      yield { field, varint: v.value };
    } else if (wire === 2) {
      const len = varint(buf, at);
      if (!len || len.value > BigInt(buf.length - len.next)) throw new RangeError('length past the record');
      at = len.next + Number(len.value);
      yield { field, bytes: buf.subarray(len.next, at) };
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4; // fixed64/fixed32: none in LogEntry, skipped as protobuf says
      if (at > buf.length) throw new RangeError('cut-short fixed field');
    } else throw new RangeError(`wire type ${wire}`);
  }
}

/** One LogEntry message; null when it does not decode. */
export function decodeLogEntry(buf: Buffer): RawEntry | null {
  const e: RawEntry = { source: '', timeNano: 0n, line: Buffer.alloc(0), partial: false, last: false };
  try {
    for (const f of fields(buf)) {
      if (f.field === 1 && f.bytes) e.source = f.bytes.toString('utf8');
      else if (f.field === 2 && f.varint !== undefined) e.timeNano = BigInt.asIntN(64, f.varint);
      else if (f.field === 3 && f.bytes) e.line = f.bytes;
      else if (f.field === 4 && f.varint !== undefined) e.partial = f.varint !== 0n;
      else if (f.field === 5 && f.bytes) {
        for (const m of fields(f.bytes)) if (m.field === 1 && m.varint !== undefined) e.last = m.varint !== 0n;
      }
    }
  } catch {
    return null;
  }
  return e;
}

/** RFC 3339 with nine fraction digits, as docker logs -t prints a time. */
function rfc3339Nano(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const whole = new Date(Number(s) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(frac < 0n ? 0n : frac).padStart(9, '0')}Z`;
}

/**
 * As docker logs prints a record: the line with its newline back, except for a piece of a long line (partial and not
 * its last piece), whose rest follows in the next record.
 */
export function toLogEntry(e: RawEntry): LogEntry {
  const cut = e.partial && !e.last;
  return {
    stream: e.source === 'stderr' ? 'stderr' : 'stdout',
    text: e.line.toString('utf8') + (cut ? '' : '\n'),
    time: rfc3339Nano(e.timeNano),
  };
}

/**
 * Records from a byte stream, fed in pieces: what is complete is decoded, an incomplete record waits for its rest.
 * A length over MAX_RECORD_BYTES, a trailer that disagrees with its header or a message that does not decode is a
 * corrupt file: `broken` is set and the rest is ignored (there is no way to find the next record forwards).
 */
export class LocalRecordSplitter {
  private pending = Buffer.alloc(0);
  broken = false;

  push(chunk: Buffer): LogEntry[] {
    if (this.broken) return [];
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: LogEntry[] = [];
    let at = 0;
    while (buf.length - at >= FRAME) {
      const len = buf.readUInt32BE(at);
      if (len > MAX_RECORD_BYTES) {
        this.broken = true;
        break;
      }
      const end = at + FRAME + len + FRAME;
      if (end > buf.length) break; // the rest is not written (or read) yet
      const entry = buf.readUInt32BE(end - FRAME) === len ? decodeLogEntry(buf.subarray(at + FRAME, at + FRAME + len)) : null;
      if (!entry) {
        this.broken = true;
        break;
      }
      out.push(toLogEntry(entry));
      at = end;
    }
    // copied: a slice would keep the whole read buffer alive
    this.pending = this.broken ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return out;
  }
}

const BLOCK = 1 << 16;

/**
 * The offset of the first whole record at or after `target`, found backwards from the end by each record's trailing
 * length (a local log cannot be entered in the middle going forwards). Where a trailer is implausible the walk stops:
 * reading starts at the last boundary it trusted, or at 0 when it trusted none.
 */
export function recordBoundaryFrom(fd: number, size: number, target: number): number {
  let block = Buffer.alloc(0);
  let blockStart = 0;
  const u32At = (off: number): number | null => {
    if (off < blockStart || off + FRAME > blockStart + block.length) {
      blockStart = Math.max(0, off + FRAME - BLOCK);
      block = Buffer.alloc(off + FRAME - blockStart);
      if (readSync(fd, block, 0, block.length, blockStart) !== block.length) return null;
    }
    return block.readUInt32BE(off - blockStart);
  };
  let pos = size;
  while (pos > target) {
    const len = pos >= 2 * FRAME ? u32At(pos - FRAME) : null;
    const start = len === null ? -1 : pos - 2 * FRAME - len;
    // not a record's end: even the last one cannot be trusted (a write under way?), so read from the start
    if (len === null || len > MAX_RECORD_BYTES || start < 0 || u32At(start) !== len) return pos === size ? 0 : pos;
    if (start < target) break; // that record begins before the target: pos is the first one after it
    pos = start;
  }
  return pos;
}

/** A batch of at most this many bytes per read, as the json-file cursor's. */
const BATCH_BYTES = 4 << 20;

/** Reads container.log from an offset: the records completed since then (the json-file LogCursor's contract). */
export class LocalLogCursor {
  private offset = 0;
  private splitter = new LocalRecordSplitter();

  constructor(private readonly path: string) {}

  /** Start at the first whole record at or after `offset` (a tail without reading the whole file). */
  skipTo(offset: number): void {
    this.splitter = new LocalRecordSplitter();
    this.offset = 0;
    if (offset <= 0) return;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      this.offset = recordBoundaryFrom(fd, fstatSync(fd).size, offset);
    } finally {
      closeSync(fd);
    }
  }

  read(maxBytes = BATCH_BYTES): LogEntry[] {
    const out: LogEntry[] = [];
    const offset = readAppended(this.path, {
      from: this.offset,
      maxBytes,
      chunkBytes: BLOCK,
      onRestart: () => {
        this.splitter = new LocalRecordSplitter(); // rotated or truncated: a new file from its start
      },
      onChunk: (chunk) => {
        if (this.splitter.broken) return false;
        out.push(...this.splitter.push(chunk));
        return !this.splitter.broken;
      },
    });
    if (offset !== undefined) this.offset = offset;
    return out;
  }

  *batches(): Generator<LogEntry[]> {
    for (;;) {
      const batch = this.read();
      if (batch.length === 0) return;
      yield batch;
    }
  }
}

/** A rotated file's records, streamed (gunzipped where it ends in .gz): memory stays bounded whatever its size. */
export async function* rotatedRecords(path: string): AsyncGenerator<LogEntry[]> {
  const splitter = new LocalRecordSplitter();
  const file = createReadStream(path);
  const stream = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  file.on('error', (err) => stream.destroy(err));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const batch = splitter.push(chunk);
      if (batch.length) yield batch;
      if (splitter.broken) break;
    }
  } catch {
    // unreadable or not gzip after all: what decoded so far stands
  } finally {
    file.destroy();
    stream.destroy();
  }
}
