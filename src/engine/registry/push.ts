// `tctop push NAME[:TAG]`: an image of the store to a registry, as docker pushes it: a Docker schema 2 manifest with
// gzip layers (see layer-blobs.ts for which bytes and why they are the same each time), only the blobs the registry
// lacks, mounts across repositories where we know a source, the config, then the manifest; the registry's digest.
import { promises as fsp, readFileSync } from 'node:fs';
import { NotFoundError, RegistryError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { parseImageConfig } from '../images/image-config.js';
import { resolveImageId } from '../images/resolve.js';
import { createStaging } from '../images/staging.js';
import { configPath, tctopRoot } from '../images/store-paths.js';
import { sha256Digest } from '../images/sha256.js';
import { shortId } from './blobs.js';
import { header, RegistryClient } from './client.js';
import {
  addBlobSource,
  addConfigSource,
  blobSources,
  configSources,
  pushableBlob,
  storedLayerDir,
  type BlobSource,
  type PushableBlob,
} from './layer-blobs.js';
import { DOCKER_CONFIG, DOCKER_MANIFEST } from './manifest.js';
import { createProgress, type ProgressOutput } from './progress.js';
import { parseRemoteReference } from './reference.js';
import { putBlob } from './upload.js';

/** docker's max-concurrent-uploads: blobs checked, mounted or uploaded at once. */
const DEFAULT_CONNECTIONS = 5;

export interface PushOptions {
  root?: string;
  progress?: ProgressOutput;
  insecureRegistries?: string[];
  maxConnections?: number;
}

export interface PushedImage {
  digest: string;
  size: number;
  tag: string;
}

export async function pushImage(reference: string, options: PushOptions = {}): Promise<PushedImage> {
  const ref = parseRemoteReference(reference);
  if (ref.digest || !ref.storeRef || !ref.tag) throw new UsageError(`push ${cell(reference, 200)}: push a name[:tag], not a digest`);
  const root = options.root ?? tctopRoot();
  let hex: string;
  try {
    hex = resolveImageId(root, ref.storeRef).hex;
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`push ${ref.storeRef}: no such image in the store (tag one first)`);
    throw err;
  }
  const configBytes = readFileSync(configPath(root, hex));
  const config = parseImageConfig(configBytes, `config sha256:${hex.slice(0, 12)}`);
  // repositories of this registry known to hold a blob, the latest first
  const sameRegistry = (sources: BlobSource[]) =>
    sources
      .filter((s) => s.registry === ref.registry)
      .map((s) => s.repository)
      .reverse();
  const progress = createProgress(options.progress);
  const connections = options.maxConnections ?? DEFAULT_CONNECTIONS;
  // one connection more than the layers': the config goes beside them, not after the first of them is done
  const client = await RegistryClient.open(ref.registry, {
    insecureRegistries: options.insecureRegistries,
    maxConnections: connections + 1,
  });
  // where the blobs now are, recorded while the registry takes the manifest (or when the push fails), not between answers
  const sources: Array<() => void> = [];
  const recordSources = () => {
    for (const record of sources.splice(0)) record();
  };
  // only a layer pushed for the first time (gzipped now) needs a staging dir
  let staging: Promise<string> | undefined;
  const stagingDir = () => (staging ??= createStaging(root));
  try {
    progress.line(`The push refers to repository [${ref.fullName}]`);
    const diffIds = config.rootfs.diff_ids;
    const blobs: PushableBlob[] = await Promise.all(diffIds.map((diffId) => pushableBlob(root, diffId, stagingDir)));
    // docker lists the top layer first
    const order = [...diffIds.keys()]
      .reverse()
      .filter((i, _, all) => all.findIndex((j) => blobs[j].digest === blobs[i].digest) === all.indexOf(i));
    for (const i of order) progress.layer(shortId(blobs[i].digest), 'Preparing');
    const queue = [...order];
    let failed: unknown;
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined && !failed; i = queue.shift()) {
        const blob = blobs[i];
        const id = shortId(blob.digest);
        try {
          const result = await putBlob(client, ref.repository, blob, sameRegistry(blobSources(root, diffIds[i])), (n) =>
            progress.layer(id, 'Pushing', { current: n, total: blob.size }),
          );
          const status =
            result.outcome === 'exists' ? 'Layer already exists' : result.outcome === 'mounted' ? `Mounted from ${result.from}` : 'Pushed';
          progress.layer(id, status, { final: true });
          sources.push(() => addBlobSource(storedLayerDir(root, diffIds[i]), { registry: ref.registry, repository: ref.repository }));
        } catch (err) {
          failed ??= err;
        }
      }
    };
    const configDigest = `sha256:${hex}`;
    // the config beside the layers, mounted like them from a repository we pushed it to (a new repository would
    // otherwise cost it three round trips: HEAD, POST, PUT); the manifest waits for both
    const configUpload = putBlob(
      client,
      ref.repository,
      { digest: configDigest, size: configBytes.length, bytes: configBytes },
      sameRegistry(configSources(root, hex)),
      () => {},
    ).then(() => void sources.push(() => addConfigSource(root, hex, { registry: ref.registry, repository: ref.repository })));
    configUpload.catch(() => {});
    await Promise.all(Array.from({ length: Math.min(connections, order.length) }, worker));
    if (failed) throw failed;
    await configUpload;
    const manifest = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: configBytes.length, digest: configDigest },
      layers: blobs.map((b) => ({ mediaType: b.mediaType, size: b.size, digest: b.digest })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const put = client.call('PUT', `/v2/${ref.repository}/manifests/${ref.tag}`, {
      scope: `repository:${ref.repository}:pull,push`,
      headers: { 'content-type': DOCKER_MANIFEST, 'content-length': String(bytes.length) },
      body: bytes,
    });
    put.catch(() => {}); // awaited below: a refusal that comes while the sources are written is not unhandled
    await new Promise((resolve) => setImmediate(resolve)); // the request is on the wire
    recordSources();
    const answer = await put;
    if (answer.status !== 201) throw await client.failure(answer, `push of the manifest ${ref.fullName}:${ref.tag}`);
    answer.body.resume();
    const digest = header(answer, 'docker-content-digest') ?? sha256Digest(bytes);
    if (!digest.startsWith('sha256:')) throw new RegistryError(`${ref.registry}: the manifest digest it answered is not sha256`);
    progress.line(`${ref.tag}: digest: ${digest} size: ${bytes.length}`);
    return { digest, size: bytes.length, tag: ref.tag };
  } finally {
    recordSources();
    client.close();
    const dir = await staging?.catch(() => undefined); // a staging that failed failed the push already
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  }
}
