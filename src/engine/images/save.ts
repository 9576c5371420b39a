// `tctop save [-o file] image...`: a `docker save` archive as docker 25+ writes it: manifest.json and repositories
// (what every docker load reads) plus an OCI image layout (oci-layout, index.json, blobs/sha256/ for the layers,
// configs and manifests). Written to a file atomically (a temp file renamed in) or streamed to stdout.
import { createReadStream, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NotFoundError } from '../../errors.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from './diff-tar-format.js';
import { readConfig, type ImageConfig } from './image-config.js';
import { hasLayerSync } from './layer-store.js';
import { parseReference } from './reference.js';
import { readRepositories } from './repositories.js';
import { refsOf, resolveImageId } from './resolve.js';
import { SaveLayers, type SavedLayer } from './save-layers.js';
import { sha256Digest } from './sha256.js';
import { createStaging } from './staging.js';
import { configPath } from './store-paths.js';
import { randomBytes } from '../random.js';

type Blob = { kind: 'bytes'; data: Buffer } | { kind: 'file'; layer: SavedLayer };

interface Plan {
  manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }>;
  repositories: Record<string, Record<string, string>>;
  index: Array<Record<string, unknown>>;
  blobs: Map<string, Blob>;
}

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

async function planImage(root: string, plan: Plan, layers: SaveLayers, ref: string): Promise<void> {
  const repos = readRepositories(root);
  const { hex, matchedRef } = resolveImageId(root, ref, repos);
  const config = readConfig(root, hex);
  const saved: SavedLayer[] = [];
  for (const diffId of config.rootfs.diff_ids) {
    if (!hasLayerSync(root, diffId.slice(7)))
      throw new NotFoundError(`image sha256:${hex.slice(0, 12)} is incomplete: layer ${diffId} is missing from the store`);
    saved.push(await layers.layer(diffId));
  }
  const diffIds = saved.map((l) => l.diffId);
  const same = diffIds.every((d, i) => d === config.rootfs.diff_ids[i]);
  const configBytes = same
    ? readFileSync(configPath(root, hex))
    : Buffer.from(JSON.stringify({ ...config, rootfs: { ...config.rootfs, diff_ids: diffIds } } satisfies ImageConfig));
  const configDigest = sha256Digest(configBytes);
  plan.blobs.set(configDigest.slice(7), { kind: 'bytes', data: configBytes });
  for (const l of saved) plan.blobs.set(l.diffId.slice(7), { kind: 'file', layer: l });
  // docker save of an ID names no tags; of a name, that name; both list the image once per save
  const tags = matchedRef ? [matchedRef] : ref.match(/^(sha256:)?[0-9a-f]+$/) ? [] : refsOf(repos, hex);
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
    layers: saved.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.diffId, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  plan.blobs.set(manifestDigest.slice(7), { kind: 'bytes', data: manifestBytes });
  const existing = plan.manifest.find((m) => m.Config === `blobs/sha256/${configDigest.slice(7)}`);
  if (existing) {
    existing.RepoTags = [...new Set([...(existing.RepoTags ?? []), ...tags])];
  } else {
    plan.manifest.push({
      Config: `blobs/sha256/${configDigest.slice(7)}`,
      RepoTags: tags.length ? tags : null,
      Layers: saved.map((l) => `blobs/sha256/${l.diffId.slice(7)}`),
    });
  }
  const top = saved.length ? saved[saved.length - 1].diffId.slice(7) : configDigest.slice(7);
  for (const t of tags) {
    const { name, tag } = parseReference(t);
    (plan.repositories[name] ??= {})[tag] = top;
    const full =
      name.includes('/') && /[.:]|^localhost\//.test(name.split('/')[0])
        ? name
        : `docker.io/${name.includes('/') ? name : 'library/' + name}`;
    plan.index.push({
      mediaType: MANIFEST_TYPE,
      digest: manifestDigest,
      size: manifestBytes.length,
      annotations: { 'io.containerd.image.name': `${full}:${tag}`, 'org.opencontainers.image.ref.name': tag },
    });
  }
  if (tags.length === 0) plan.index.push({ mediaType: MANIFEST_TYPE, digest: manifestDigest, size: manifestBytes.length });
}

function fileHeader(path: string, size: number, dir = false): Buffer {
  return encodeHeader({
    path: Buffer.from(dir ? path + '/' : path),
    type: dir ? 'dir' : 'file',
    mode: dir ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: 0,
  });
}

async function* archive(plan: Plan): AsyncGenerator<Buffer> {
  const bytes = (path: string, data: Buffer) => [fileHeader(path, data.length), data, padding(data.length)];
  yield fileHeader('blobs', 0, true);
  yield fileHeader('blobs/sha256', 0, true);
  for (const [hex, blob] of [...plan.blobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (blob.kind === 'bytes') {
      yield* bytes(`blobs/sha256/${hex}`, blob.data);
      continue;
    }
    yield fileHeader(`blobs/sha256/${hex}`, blob.layer.size);
    for await (const chunk of createReadStream(blob.layer.file)) yield chunk as Buffer;
    yield padding(blob.layer.size);
  }
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) + '\n');
  yield* bytes('index.json', json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: plan.index }));
  yield* bytes('manifest.json', json(plan.manifest));
  yield* bytes('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  yield* bytes('repositories', json(plan.repositories));
  yield END_OF_ARCHIVE;
}

/** `output` a file path, or a writable stream (stdout). */
export async function saveImages(root: string, refs: string[], output: string | NodeJS.WritableStream): Promise<void> {
  const staging = await createStaging(root);
  try {
    const plan: Plan = { manifest: [], repositories: {}, index: [], blobs: new Map() };
    const layers = new SaveLayers(root, staging);
    for (const ref of refs) await planImage(root, plan, layers, ref);
    if (typeof output !== 'string') {
      for await (const chunk of archive(plan)) if (!output.write(chunk)) await new Promise((r) => output.once('drain', r));
      return;
    }
    const temp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o644);
    try {
      for await (const chunk of archive(plan)) await handle.write(chunk);
      await handle.sync();
      await handle.close();
      await rename(temp, output);
    } catch (err) {
      await handle.close().catch(() => {});
      await rm(temp, { force: true });
      throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
