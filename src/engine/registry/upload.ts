// Putting one blob into a repository: HEAD first (the registry may have it; skipped when we know another repository
// holding it and not this one, as docker does), then a cross-repository mount from a repository known to hold it (`POST ?mount=<digest>&from=<repo>`), else an upload session: POST, one PATCH with
// the bytes streamed, PUT ?digest= to close it (docker's own sequence).
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { RegistryError } from '../../errors.js';
import { header, type RegistryClient } from './client.js';

export type UploadOutcome = 'exists' | 'mounted' | 'pushed';

export interface BlobToUpload {
  digest: string;
  size: number;
  /** A file holding the blob (sent as one streamed PATCH, then PUT), or its bytes (configs: one monolithic PUT). */
  path?: string;
  bytes?: Buffer;
}

export async function hasBlob(client: RegistryClient, repository: string, digest: string): Promise<boolean> {
  const answer = await client.call('HEAD', `/v2/${repository}/blobs/${digest}`, { scope: `repository:${repository}:pull,push` });
  answer.body.resume();
  if (answer.status === 200) return true;
  if (answer.status === 404) return false;
  throw new RegistryError(`${client.registry}: checking blob ${digest.slice(0, 19)} failed (HTTP ${answer.status})`);
}

export async function putBlob(
  client: RegistryClient,
  repository: string,
  blob: BlobToUpload,
  mountFrom: string[],
  onBytes: (n: number) => void,
): Promise<{ outcome: UploadOutcome; from?: string }> {
  const scope = `repository:${repository}:pull,push`;
  const others = mountFrom.filter((r) => r !== repository);
  // as docker: a repository we know holds the blob is asked by HEAD; for a new one, a known source is mounted at once
  if ((others.length === 0 || others.length < mountFrom.length) && (await hasBlob(client, repository, blob.digest)))
    return { outcome: 'exists' };
  let location: string | undefined;
  for (const from of others.slice(0, 3)) {
    const q = `mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`;
    const answer = await client.call('POST', `/v2/${repository}/blobs/uploads/?${q}`, { scope: `${scope} repository:${from}:pull` });
    answer.body.resume();
    if (answer.status === 201) return { outcome: 'mounted', from };
    if (answer.status === 202) {
      location = header(answer, 'location'); // mount refused, but an upload session was opened for us
      break;
    }
  }
  if (!location) {
    const answer = await client.call('POST', `/v2/${repository}/blobs/uploads/`, { scope });
    if (answer.status !== 202) throw await client.failure(answer, `starting the upload of ${blob.digest.slice(0, 19)}`);
    answer.body.resume();
    location = header(answer, 'location');
  }
  if (!location) throw new RegistryError(`${client.registry}: the upload session has no Location`);
  if (blob.bytes) return { outcome: await putMonolithic(client, scope, location, blob.digest, blob.bytes) };
  let sent = 0;
  const counter = () =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        onBytes(sent);
        done(null, chunk);
      },
    });
  const body = () => createReadStream(blob.path!).pipe(counter());
  const patch = await client.call('PATCH', await client.absoluteUrl(location), {
    scope,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body,
  });
  if (patch.status !== 202 && patch.status !== 204) throw await client.failure(patch, `upload of ${blob.digest.slice(0, 19)}`);
  patch.body.resume();
  const next = new URL(await client.absoluteUrl(header(patch, 'location') ?? location));
  next.searchParams.set('digest', blob.digest);
  const put = await client.call('PUT', next.toString(), { scope, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });
  if (put.status !== 201)
    throw await client.failure(put, `finishing the upload of ${blob.digest.slice(0, 19)} (the registry refused its digest?)`);
  put.body.resume();
  return { outcome: 'pushed' };
}

/** A small blob (a config) in one request: PUT <location>?digest= with the bytes. */
async function putMonolithic(
  client: RegistryClient,
  scope: string,
  location: string,
  digest: string,
  bytes: Buffer,
): Promise<UploadOutcome> {
  const url = new URL(await client.absoluteUrl(location));
  url.searchParams.set('digest', digest);
  const put = await client.call('PUT', url.toString(), {
    scope,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    body: bytes,
  });
  if (put.status !== 201) throw await client.failure(put, `upload of ${digest.slice(0, 19)} (the registry refused its digest?)`);
  put.body.resume();
  return 'pushed';
}
