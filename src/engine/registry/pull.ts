// `tctop pull`, and the library call `tctop build` uses for a missing FROM image:
//
//   pullImage(reference: string, options?: PullOptions): Promise<PulledImage>
//     reference  NAME[:TAG|@DIGEST] by docker's rules ("busybox" = docker.io/library/busybox:latest)
//     options    { platform?: "os/arch[/variant]" (linux/<host arch> by default), root?: store root (TCTOP_ROOT or
//                  /var/lib/tctop), progress?: a stream to print docker's pull output on (a TTY gets in-place
//                  progress), insecureRegistries?: hosts to allow plain HTTP for, maxConnections?: per registry (3) }
//     resolves   { id: "sha256:<config>", ref?: "name:tag" as registered, canonical: "registry/repo:tag",
//                  digest: manifest digest, upToDate }
//     rejects    RegistryError / NotFoundError / UsageError with a one-line message; nothing registered then.
//
// The manifest (or an index, resolved to one platform) and the config come first; layers the store already has by
// diff_id are not fetched; the others are downloaded concurrently over a bounded keep-alive pool, each blob checked
// against its digest before the layer stager extracts it (and checks its diff_id), and the image committed all at
// once. The progress is docker's: Pulling fs layer, Waiting, Downloading, Verifying Checksum, Download complete,
// Extracting, Pull complete.
import { rm } from 'node:fs/promises';
import { NotFoundError, RegistryError, UsageError } from '../../errors.js';
import { commitImages, type StagedImage } from '../images/commit.js';
import { parseImageConfig, type ImageConfig } from '../images/image-config.js';
import { hasLayer } from '../images/layer-store.js';
import { LayerStager } from '../images/layer-stager.js';
import { readRepositories } from '../images/repositories.js';
import { createStaging } from '../images/staging.js';
import { configPath, tctopRoot } from '../images/store-paths.js';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fetchManifest, fetchSmallBlob, MeteredBlob, mismatch, openBlob, shortId } from './blobs.js';
import { RegistryClient } from './client.js';
import { addBlobSource } from './layer-blobs.js';
import { choosePlatform, formatPlatform, parseManifest, parsePlatform, type Descriptor, type ImageManifest } from './manifest.js';
import { createProgress, type Progress, type ProgressOutput } from './progress.js';
import { parseRemoteReference, type RemoteReference } from './reference.js';

export interface PullOptions {
  platform?: string;
  root?: string;
  progress?: ProgressOutput;
  insecureRegistries?: string[];
  maxConnections?: number;
}

export interface PulledImage {
  id: string;
  ref?: string;
  /** registry/repository:tag (or @digest), as `docker pull` prints it last. */
  canonical: string;
  digest: string;
  upToDate: boolean;
}

const DEFAULT_CONNECTIONS = 3;

export async function pullImage(reference: string, options: PullOptions = {}): Promise<PulledImage> {
  const ref = parseRemoteReference(reference);
  const platform = parsePlatform(options.platform);
  const root = options.root ?? tctopRoot();
  const progress = createProgress(options.progress);
  const connections = options.maxConnections ?? DEFAULT_CONNECTIONS;
  const client = await RegistryClient.open(ref.registry, { insecureRegistries: options.insecureRegistries, maxConnections: connections });
  try {
    const name = `${ref.fullName}${ref.digest ? '@' + ref.digest : ':' + ref.tag}`;
    progress.line(`${ref.digest ?? ref.tag}: Pulling from ${ref.repository}`);
    const top = await fetchManifest(client, ref.repository, ref.digest ?? ref.tag!, name).catch((err) => {
      throw err instanceof NotFoundError ? new NotFoundError(`pull ${name}: manifest unknown (no such image or tag in the registry)`) : err;
    });
    let doc = parseManifest(top.bytes, top.contentType, `manifest of ${name}`);
    if (doc.kind === 'index') {
      const chosen = choosePlatform(doc, platform, name);
      const sub = await fetchManifest(client, ref.repository, chosen.digest, `${name} (${formatPlatform(platform)})`);
      doc = parseManifest(sub.bytes, sub.contentType, `manifest of ${name} for ${formatPlatform(platform)}`);
      if (doc.kind !== 'image') throw new RegistryError(`refusing ${name}: an index inside an index`);
    }
    const image = doc;
    const configBytes = await fetchSmallBlob(client, ref.repository, image.config.digest, image.config.size, `config of ${name}`);
    const config = asRegistryError(() => parseImageConfig(configBytes, `config of ${name}`));
    if (options.platform && doc === image) checkPlatform(config, platform, name);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== image.layers.length) {
      throw new RegistryError(`refusing ${name}: the manifest lists ${image.layers.length} layers but the config ${diffIds.length}`);
    }
    const configHex = image.config.digest.slice(7);
    const refs = ref.storeRef ? [ref.storeRef] : [];
    const before = ref.storeRef ? readRepositories(root)[ref.storeRef] : undefined;
    const had = existsSync(configPath(root, configHex));
    await fetchLayers({ root, client, ref, progress, connections }, image, { configHex, configBytes, config, refs });
    const upToDate = had && (ref.storeRef ? before === image.config.digest : true);
    progress.line(`Digest: ${top.digest}`);
    const shown = ref.storeRef ?? `${ref.fullName}@${ref.digest}`;
    progress.line(upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}`);
    const canonical = ref.digest ? `${ref.fullName}@${ref.digest}` : `${ref.fullName}:${ref.tag}`;
    progress.line(canonical);
    return { id: image.config.digest, ref: ref.storeRef, canonical, digest: top.digest, upToDate };
  } finally {
    client.close();
  }
}

interface PullContext {
  root: string;
  client: RegistryClient;
  ref: RemoteReference;
  progress: Progress;
  connections: number;
}

/** The layers the store lacks, staged concurrently, then the image committed whole (or nothing, on any failure). */
async function fetchLayers(
  { root, client, ref, progress, connections }: PullContext,
  image: ImageManifest,
  target: StagedImage,
): Promise<void> {
  const diffIds = target.config.rootfs.diff_ids;
  const staging = await createStaging(root);
  try {
    const stager = new LayerStager(root, staging);
    const wanted: Array<{ layer: Descriptor; diffId: string; index: number }> = [];
    const seen = new Set<string>();
    for (const [index, layer] of image.layers.entries()) {
      const diffId = diffIds[index];
      if (seen.has(diffId)) continue;
      seen.add(diffId);
      if (await hasLayer(root, diffId.slice(7))) progress.layer(shortId(layer.digest), 'Already exists', { final: true });
      else {
        progress.layer(shortId(layer.digest), 'Pulling fs layer', { final: true });
        wanted.push({ layer, diffId, index });
      }
    }
    // beyond the pool's connections a layer waits for one, as docker's "Waiting"
    for (const w of wanted.slice(connections)) progress.layer(shortId(w.layer.digest), 'Waiting', { final: true });
    const open = new Set<MeteredBlob>();
    let failed: unknown;
    const fetchOne = async ({ layer, diffId, index }: (typeof wanted)[number]) => {
      const id = shortId(layer.digest);
      const what = `layer ${index + 1} (${layer.digest.slice(0, 19)}) of ${ref.fullName}`;
      const body = await openBlob(client, ref.repository, layer.digest, what);
      const blob = new MeteredBlob(body, layer.digest, layer.size, what, (n) =>
        progress.layer(id, 'Downloading', { current: n, total: layer.size }),
      );
      open.add(blob);
      if (failed) blob.destroy();
      // docker's steps: the blob downloaded whole and its digest checked, then extracted (nothing unverified is unpacked)
      const dir = await stager.newLayerDir();
      progress.layer(id, 'Downloading', { current: 0, total: layer.size, final: true });
      try {
        await pipeline(Readable.from(blob.chunks()), createWriteStream(join(dir, 'blob'), { mode: 0o600 }));
      } catch (err) {
        throw failed ?? err;
      } finally {
        open.delete(blob);
      }
      progress.layer(id, 'Verifying Checksum', { final: true });
      const actual = `sha256:${blob.hash.digest('hex')}`;
      if (actual !== layer.digest) throw mismatch(what, layer.digest, actual);
      progress.layer(id, 'Download complete', { final: true });
      // extracted while this connection fetches the next layer, as docker's download and extraction overlap
      return async () => {
        if (failed) throw failed;
        progress.layer(id, 'Extracting', { current: 0, total: layer.size, final: true });
        const expect = { diffId, blobDigest: layer.digest, mediaType: layer.mediaType || undefined };
        await stager
          .stageBlob(dir, expect, what, (n) => progress.layer(id, 'Extracting', { current: n, total: layer.size }))
          .catch((err) => {
            throw asRegistryErrorOf(err);
          });
        const staged = stager.staged.get(diffId);
        if (staged) addBlobSource(staged.dir, { registry: ref.registry, repository: ref.repository });
        progress.layer(id, 'Pull complete', { final: true });
      };
    };
    const fail = (err: unknown) => {
      failed ??= err;
      for (const b of open) b.destroy();
    };
    // a bounded pool: `connections` downloads at once, the first failure stops the rest
    const queue = [...wanted];
    const extractions: Promise<void>[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next && !failed; next = queue.shift()) {
        try {
          extractions.push((await fetchOne(next))().catch(fail));
        } catch (err) {
          fail(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(connections, wanted.length) }, worker));
    await Promise.all(extractions);
    if (failed) throw failed;
    await commitImages(root, stager.staged.values(), [target]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function checkPlatform(config: ImageConfig, want: ReturnType<typeof parsePlatform>, name: string): void {
  const arch = config.architecture ?? '';
  const os = config.os ?? 'linux';
  if (os !== want.os || (arch && arch !== want.architecture)) {
    throw new NotFoundError(`${name} is ${os}/${arch || '?'}, not the requested platform ${formatPlatform(want)}`);
  }
}

function asRegistryErrorOf(err: unknown): unknown {
  // the stager speaks of archives; for a pull the registry sent the bad bytes
  if (err instanceof UsageError && err.message.startsWith('refusing archive: '))
    return new RegistryError('refusing ' + err.message.slice('refusing archive: '.length));
  return err;
}

function asRegistryError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asRegistryErrorOf(err);
  }
}
