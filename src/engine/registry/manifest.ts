// Image manifests as registries serve them: Docker schema 2 and OCI image manifests (one platform), Docker manifest
// lists and OCI indexes (several; we pick one platform). Everything a registry sends is checked before use.
import { RegistryError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { isDigest } from '../images/digest.js';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

export const ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');
const LAYER_TYPES = new Set([
  DOCKER_LAYER_GZIP,
  DOCKER_LAYER_TAR,
  OCI_LAYER_GZIP,
  OCI_LAYER_TAR,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageManifest {
  kind: 'image';
  config: Descriptor;
  layers: Descriptor[];
}

export interface IndexManifest {
  kind: 'index';
  manifests: Descriptor[];
}

function refuse(what: string, why: string): RegistryError {
  return new RegistryError(`refusing ${what}: ${why}`);
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object') throw refuse(what, 'a descriptor is not an object');
  if (!isDigest(d.digest)) throw refuse(what, `invalid digest "${cell(String(d.digest), 100)}" (sha256 only)`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
    throw refuse(what, `descriptor ${d.digest} has no valid size`);
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: d.size,
    ...(d.platform ? { platform: d.platform } : {}),
  };
}

export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): ImageManifest | IndexManifest {
  let doc: { mediaType?: unknown; schemaVersion?: unknown; manifests?: unknown; config?: unknown; layers?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw refuse(what, 'the manifest is not valid JSON');
  }
  if (!doc || typeof doc !== 'object') throw refuse(what, 'the manifest is not a JSON object');
  const type = typeof doc.mediaType === 'string' ? doc.mediaType : (contentType ?? '').split(';')[0].trim();
  if (doc.schemaVersion === 1 || /^application\/vnd\.docker\.distribution\.manifest\.v1\+/.test(type))
    throw refuse(what, 'Docker schema 1 manifests are deprecated and not supported');
  if (type === DOCKER_LIST || type === OCI_INDEX || (Array.isArray(doc.manifests) && !doc.layers)) {
    if (!Array.isArray(doc.manifests)) throw refuse(what, 'the index lists no manifests');
    return { kind: 'index', manifests: doc.manifests.map((m, i) => descriptor(m, `${what} entry ${i + 1}`)) };
  }
  if (!Array.isArray(doc.layers) || !doc.config) throw refuse(what, `unsupported manifest type "${cell(type, 100)}"`);
  const layers = doc.layers.map((l, i) => descriptor(l, `${what} layer ${i + 1}`));
  for (const l of layers) {
    if (l.mediaType && !LAYER_TYPES.has(l.mediaType))
      throw new UsageError(
        `refusing ${what}: layer ${l.digest.slice(0, 19)} is ${cell(l.mediaType, 100)}; only tar and gzip layers are supported`,
      );
  }
  return { kind: 'image', config: descriptor(doc.config, `${what} config`), layers };
}

const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** linux/amd64 by default, as docker on an amd64 host; "os/arch[/variant]" from --platform. */
export function parsePlatform(input: string | undefined): Platform {
  if (!input) return { os: 'linux', architecture: GOARCH[process.arch] ?? process.arch };
  const parts = input.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new UsageError(`invalid platform "${cell(input, 100)}": expected os/arch[/variant], e.g. linux/amd64`);
  }
  const [os, architecture, variant] = parts;
  return {
    os,
    architecture: architecture === 'x86_64' ? 'amd64' : architecture === 'aarch64' ? 'arm64' : architecture,
    ...(variant ? { variant } : {}),
  };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The index entry for the platform; an exact variant wins, an entry without variant matches any. */
export function choosePlatform(index: IndexManifest, want: Platform, what: string): Descriptor {
  const candidates = index.manifests.filter(
    (m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture,
  );
  const exact = want.variant ? candidates.find((m) => m.platform?.variant === want.variant) : undefined;
  const chosen = exact ?? candidates.find((m) => !want.variant || !m.platform?.variant) ?? (want.variant ? undefined : candidates[0]);
  if (!chosen) {
    const offered = index.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : '?')).filter((p) => p !== 'unknown/unknown');
    throw new NotFoundPlatform(
      `${what} has no image for platform ${formatPlatform(want)} (it offers ${cell(offered.join(', '), 300) || 'none'})`,
    );
  }
  return chosen;
}

class NotFoundPlatform extends RegistryError {}
