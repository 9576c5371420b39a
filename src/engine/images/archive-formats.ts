// Finds the images in an extracted image archive: `docker save` (manifest.json, both the classic layout and the
// docker 25+ one inside an OCI layout) and plain OCI image layouts (index.json -> manifests -> config + layers).
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { errnoOf, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { digestHex } from './digest.js';
import { normalizeReference } from './reference.js';

export interface ArchiveLayer {
  /** Absolute path of the layer tar (plain or gzip) inside the extracted archive. */
  file: string;
  /** Blob digest the manifest gives (OCI); classic docker save only has the config's diff_ids. */
  blobDigest?: string;
}

export interface ArchiveImage {
  refs: string[];
  configFile: string;
  /** sha256 the config bytes must have (from a blob name or descriptor). */
  configDigest?: string;
  layers: ArchiveLayer[];
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

function refuse(why: string): UsageError {
  return new UsageError(`refusing archive: ${why}`);
}

/** A path named by the archive's own JSON, resolved (symlinks too) and kept inside the archive. */
async function inside(dir: string, rel: unknown, what: string): Promise<string> {
  if (typeof rel !== 'string' || rel === '') throw refuse(`${what} names no file`);
  let real: string;
  try {
    real = await realpath(join(dir, rel));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw refuse(`${what} "${cell(rel, 200)}" is missing from the archive`);
    throw err;
  }
  const base = await realpath(dir);
  if (!real.startsWith(base + sep)) throw refuse(`${what} "${cell(rel, 200)}" points outside the archive`);
  return real;
}

/** JSON documents of an archive (manifests, configs, indexes) are small; a huge one is an attack on our memory. */
export const MAX_JSON_BYTES = 16 << 20;

export async function readSmallFile(file: string, what: string): Promise<Buffer> {
  if ((await stat(file)).size > MAX_JSON_BYTES) throw refuse(`${what} is larger than ${MAX_JSON_BYTES >> 20} MiB`);
  return readFile(file);
}

async function readJson(file: string, what: string): Promise<unknown> {
  const bytes = await readSmallFile(file, what);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw refuse(`${what} is not valid JSON`);
  }
}

/** "blobs/sha256/<hex>" or "<hex>.json" name their own digest; other names (classic layer.tar paths) do not. */
function digestFromName(rel: string): string | undefined {
  const m = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(rel);
  return m ? `sha256:${m[1]}` : undefined;
}

function refsOf(values: unknown[], what: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    try {
      out.push(normalizeReference(v));
    } catch (err) {
      throw refuse(`${what}: ${(err as Error).message}`);
    }
  }
  return [...new Set(out)];
}

export async function readArchiveImages(dir: string): Promise<ArchiveImage[]> {
  const hasFile = async (name: string) =>
    readFile(join(dir, name)).then(
      () => true,
      () => false,
    );
  if (await hasFile('manifest.json')) return dockerSaveImages(dir);
  if (await hasFile('index.json')) return ociLayoutImages(dir);
  throw refuse('neither a docker save archive (manifest.json) nor an OCI image layout (index.json)');
}

async function dockerSaveImages(dir: string): Promise<ArchiveImage[]> {
  const manifest = await readJson(join(dir, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(manifest) || manifest.length === 0) throw refuse('manifest.json lists no images');
  const images: ArchiveImage[] = [];
  for (const [i, entry] of manifest.entries()) {
    const e = entry as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (!Array.isArray(e.Layers)) throw refuse(`manifest.json image ${i + 1} has no Layers`);
    const layers: ArchiveLayer[] = [];
    for (const [j, rel] of e.Layers.entries()) {
      const blob = typeof rel === 'string' && rel.startsWith('blobs/') ? digestFromName(rel) : undefined;
      layers.push({ file: await inside(dir, rel, `layer ${j + 1}`), blobDigest: blob });
    }
    images.push({
      refs: refsOf(Array.isArray(e.RepoTags) ? e.RepoTags : [], 'manifest.json RepoTags'),
      configFile: await inside(dir, e.Config, 'image config'),
      configDigest: typeof e.Config === 'string' ? digestFromName(e.Config) : undefined,
      layers,
    });
  }
  return images;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

async function readBlob(dir: string, desc: Descriptor, what: string): Promise<{ file: string; bytes: Buffer }> {
  const hex = digestHex(desc.digest, what);
  const file = await inside(dir, `blobs/sha256/${hex}`, what);
  const bytes = await readSmallFile(file, what);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== hex) throw refuse(`${what} does not match its digest (expected sha256:${hex}, content is sha256:${actual})`);
  return { file, bytes };
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw refuse(`${what} is not valid JSON`);
  }
}

/** A multi-platform index: the linux entry for this machine's architecture (or the only linux one). */
function pickPlatform(manifests: Descriptor[]): Descriptor[] {
  const withPlatform = manifests.filter((m) => m.platform);
  if (withPlatform.length === 0) return manifests;
  const arch = GOARCH[process.arch] ?? process.arch;
  const linux = withPlatform.filter((m) => (m.platform?.os ?? 'linux') === 'linux');
  const mine = linux.filter((m) => m.platform?.architecture === arch);
  if (mine.length) return mine.slice(0, 1);
  if (linux.length === 1) return linux;
  throw refuse(`no image for linux/${arch} in the archive's index`);
}

function ociRefs(annotations: Record<string, string> | undefined): string[] {
  const full = annotations?.['io.containerd.image.name'];
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  // ref.name is usually only a tag ("latest"); it names an image only when it carries a repository too
  const candidates = [full, refName && /[:/]/.test(refName) ? refName : undefined].filter((r): r is string => !!r);
  return refsOf(candidates.slice(0, 1), 'index.json annotation');
}

async function ociLayoutImages(dir: string): Promise<ArchiveImage[]> {
  const images: ArchiveImage[] = [];
  const visit = async (descs: Descriptor[], inherited: string[], depth: number): Promise<void> => {
    if (depth > 4) throw refuse('index.json nests indexes too deeply');
    for (const desc of descs) {
      const refs = inherited.length ? inherited : ociRefs(desc.annotations);
      const { bytes } = await readBlob(dir, desc, `manifest ${cell(String(desc.digest), 80)}`);
      const doc = parseJson(bytes, `manifest ${desc.digest}`) as {
        mediaType?: string;
        manifests?: Descriptor[];
        config?: Descriptor;
        layers?: Descriptor[];
      };
      if (INDEX_TYPES.has(desc.mediaType ?? '') || Array.isArray(doc.manifests)) {
        await visit(pickPlatform(doc.manifests ?? []), refs, depth + 1);
        continue;
      }
      if (!doc.config || !Array.isArray(doc.layers)) throw refuse(`manifest ${desc.digest} has no config or layers`);
      const layers: ArchiveLayer[] = [];
      for (const [j, layer] of doc.layers.entries()) {
        const hex = digestHex(layer.digest, `layer ${j + 1}`);
        layers.push({ file: await inside(dir, `blobs/sha256/${hex}`, `layer ${j + 1}`), blobDigest: `sha256:${hex}` });
      }
      const configHex = digestHex(doc.config.digest, 'image config');
      images.push({
        refs,
        configFile: await inside(dir, `blobs/sha256/${configHex}`, 'image config'),
        configDigest: `sha256:${configHex}`,
        layers,
      });
    }
  };
  const index = (await readJson(join(dir, 'index.json'), 'index.json')) as { manifests?: Descriptor[] };
  if (!Array.isArray(index.manifests) || index.manifests.length === 0) throw refuse('index.json lists no manifests');
  const arch = GOARCH[process.arch] ?? process.arch;
  const usable = index.manifests.filter(
    (m) => !m.platform || ((m.platform.os ?? 'linux') === 'linux' && (m.platform.architecture ?? arch) === arch),
  );
  if (usable.length === 0) throw refuse(`no image for linux/${arch} in index.json`);
  await visit(usable, [], 0);
  return images;
}
