// Reading blobs and manifests from a repository, every byte counted and hashed on its way: a registry that sends
// more than the descriptor's size, less, or other content than its digest is refused with the digest named.
import type { Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { cell } from '../../text/sanitize.js';
import { header, MAX_MANIFEST_BYTES, type RegistryClient } from './client.js';
import { ACCEPT } from './manifest.js';
import { readBody } from './transport.js';

// on first use: a push whose blobs are all mounted never loads node:crypto (~3 ms of a one-shot command)
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

export interface FetchedManifest {
  bytes: Buffer;
  contentType?: string;
  /** sha256 of the bytes; checked against the digest asked for or the registry's Docker-Content-Digest. */
  digest: string;
}

export async function fetchManifest(client: RegistryClient, repository: string, reference: string, what: string): Promise<FetchedManifest> {
  const answer = await client.call('GET', `/v2/${repository}/manifests/${reference}`, {
    scope: `repository:${repository}:pull`,
    headers: { accept: ACCEPT },
  });
  if (answer.status !== 200) throw await client.failure(answer, `manifest ${what}`);
  const bytes = await readBody(answer.body, MAX_MANIFEST_BYTES, `manifest ${what}`);
  const digest = 'sha256:' + crypto().createHash('sha256').update(bytes).digest('hex');
  const claimed = header(answer, 'docker-content-digest');
  if (reference.startsWith('sha256:') && digest !== reference) throw mismatch(`manifest ${what}`, reference, digest);
  if (claimed?.startsWith('sha256:') && claimed !== digest) throw mismatch(`manifest ${what}`, claimed, digest);
  return { bytes, contentType: header(answer, 'content-type'), digest };
}

export function mismatch(what: string, expected: string, actual: string): RegistryError {
  return new RegistryError(`refusing ${what}: its content does not match its digest (expected ${expected}, content is ${actual})`);
}

export async function openBlob(client: RegistryClient, repository: string, digest: string, what: string): Promise<IncomingMessage> {
  const answer = await client.follow(
    await client.call('GET', `/v2/${repository}/blobs/${digest}`, { scope: `repository:${repository}:pull` }),
  );
  if (answer.status !== 200) throw await client.failure(answer, `download of ${what}`);
  return answer.body;
}

export async function fetchSmallBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  size: number,
  what: string,
): Promise<Buffer> {
  if (size > MAX_MANIFEST_BYTES) throw new RegistryError(`refusing ${what}: ${size} bytes is too large`);
  const bytes = await readBody(await openBlob(client, repository, digest, what), MAX_MANIFEST_BYTES, what);
  const actual = 'sha256:' + crypto().createHash('sha256').update(bytes).digest('hex');
  if (actual !== digest) throw mismatch(what, digest, actual);
  return bytes;
}

/** A blob's body as chunks, hashed (`hash`) and bounded by the descriptor's size. */
export class MeteredBlob {
  readonly hash: Hash = crypto().createHash('sha256');
  bytes = 0;
  private ended = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(
    private readonly body: IncomingMessage,
    readonly digest: string,
    readonly size: number,
    readonly what: string,
    private readonly onBytes: (n: number) => void,
  ) {
    this.it = body[Symbol.asyncIterator]();
  }

  /** Never returns the underlying iterator early: a consumer that stops leaves the body to destroy(). */
  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await this.take();
      if (!next) return;
      yield next;
    }
  }

  private async take(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.it.next();
    } catch (err) {
      throw new RegistryError(`download of ${this.what} broke off after ${this.bytes} of ${this.size} bytes (${(err as Error).message})`);
    }
    if (next.done) {
      this.ended = true;
      if (this.bytes < this.size) throw new RegistryError(`download of ${this.what} broke off after ${this.bytes} of ${this.size} bytes`);
      return undefined;
    }
    this.bytes += next.value.length;
    if (this.bytes > this.size) {
      this.body.destroy();
      throw new RegistryError(`refusing ${this.what}: the registry sent more than the ${this.size} bytes its manifest lists`);
    }
    this.hash.update(next.value);
    this.onBytes(this.bytes);
    return next.value;
  }

  destroy(): void {
    this.body.destroy();
  }
}

export function shortId(digest: string): string {
  return cell(digest.slice(7, 19), 12);
}
