// Where archive bytes come from (a file or stdin) and how they are decompressed and hashed on the way through.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { errnoOf, NotFoundError, PermissionError, UnsupportedError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export type ArchiveInput = string | NodeJS.ReadableStream;

/** A file path (`-` means stdin) or a stream, as raw chunks; a missing or unreadable file becomes a typed error. */
export function openInput(input: ArchiveInput): AsyncIterable<Buffer> {
  if (typeof input !== 'string') return input as AsyncIterable<Buffer>;
  if (input === '-') return process.stdin;
  return (async function* () {
    try {
      // created on first read: an error before anyone listens would otherwise be an uncaught exception
      for await (const chunk of createReadStream(input)) yield chunk as Buffer;
    } catch (err) {
      throw inputError(input, err);
    }
  })();
}

function inputError(path: string, err: unknown): Error {
  const code = errnoOf(err);
  if (code === 'ENOENT') return new NotFoundError(`no such file: ${cell(path, 200)}`);
  if (code === 'EACCES' || code === 'EPERM') return new PermissionError(`cannot read ${cell(path, 200)}: permission denied`);
  if (code === 'EISDIR') return new UsageError(`${cell(path, 200)} is a directory, not an archive`);
  return err instanceof Error ? err : new Error(String(err));
}

export interface Digests {
  /** sha256 of the bytes as stored (compressed or not): an OCI blob digest. */
  raw: Hash;
  /** sha256 of the uncompressed tar: a diff_id. */
  tar: Hash;
  tarBytes: number;
}

function compressionOf(head: Buffer): 'gzip' | 'zstd' | 'bzip2' | 'xz' | 'none' {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a) return 'xz';
  return 'none';
}

/** Uncompressed tar bytes (gzip detected by its magic), hashing both the stored and the uncompressed form. */
export async function* tarBytes(raw: AsyncIterable<Buffer>, digests: Digests, what: string): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 6 && !ended) {
    const next = await it.next();
    if (next.done) ended = true;
    else head = Buffer.concat([head, next.value]);
  }
  async function* stored(): AsyncGenerator<Buffer> {
    if (head.length) {
      digests.raw.update(head);
      yield head;
    }
    if (ended) return;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      digests.raw.update(next.value);
      yield next.value;
    }
  }
  const kind = head.length >= 6 ? compressionOf(head) : 'none';
  if (kind === 'zstd' || kind === 'bzip2' || kind === 'xz')
    throw new UnsupportedError(`${what} is ${kind}-compressed; only plain and gzip tars are supported`);
  const source: AsyncIterable<Buffer> =
    kind === 'gzip' ? (pipeline(Readable.from(stored()), createGunzip(), () => {}) as unknown as AsyncIterable<Buffer>) : stored();
  try {
    for await (const chunk of source) {
      digests.tar.update(chunk);
      digests.tarBytes += chunk.length;
      yield chunk;
    }
  } catch (err) {
    if (errnoOf(err)?.startsWith('Z_'))
      throw new UsageError(`refusing archive: ${what} is not a valid gzip stream (${(err as Error).message})`);
    throw err;
  }
}

export function newDigests(): Digests {
  return { raw: createHash('sha256'), tar: createHash('sha256'), tarBytes: 0 };
}

/** Digests of a tar without extracting it (a layer the store already has still gets verified). */
export async function digestTar(raw: AsyncIterable<Buffer>, what: string): Promise<{ diffId: string; rawDigest: string }> {
  const digests = newDigests();
  for await (const chunk of tarBytes(raw, digests, what)) void chunk;
  return { diffId: 'sha256:' + digests.tar.digest('hex'), rawDigest: 'sha256:' + digests.raw.digest('hex') };
}
