// Builds tar archives byte by byte, so tests can write exactly the hostile entries (absolute paths, "..", devices,
// links anywhere) that well-behaved tar writers refuse to produce.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarEntrySpec {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  content?: string | Buffer;
  linkpath?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  devmajor?: number;
  devminor?: number;
  /** PAX records written in an extended header before the entry (e.g. SCHILY.xattr.user.x). */
  pax?: Record<string, string | Buffer>;
}

function paxBody(records: Record<string, string | Buffer>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = Buffer.concat([Buffer.from(` ${k}=`), Buffer.from(v), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    return Buffer.concat([Buffer.from(String(len)), body]);
  });
  return Buffer.concat(parts);
}

const TYPEFLAG = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' } as const;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntrySpec, size: number): Buffer {
  const h = Buffer.alloc(512);
  const type = e.type ?? 'file';
  let name = e.path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  h.write(name, 0, 100);
  h.write(octal(e.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100);
  h.write(octal(e.uid ?? 0, 8), 108);
  h.write(octal(e.gid ?? 0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(e.mtime ?? 1_700_000_000, 12), 136);
  h.write('        ', 148);
  h.write(TYPEFLAG[type], 156);
  if (e.linkpath) h.write(e.linkpath, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(octal(e.devmajor ?? 0, 8), 329);
  h.write(octal(e.devminor ?? 0, 8), 337);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

export function buildTar(entries: TarEntrySpec[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.pax) {
      const pax = paxBody(e.pax);
      const h = header({ path: 'PaxHeader/x', content: pax }, pax.length);
      h.write('x', 156);
      let sum = 0;
      h.write('        ', 148);
      for (const b of h) sum += b;
      h.write(octal(sum, 7) + ' ', 148);
      parts.push(h, pax, Buffer.alloc((512 - (pax.length % 512)) % 512));
    }
    const body = e.type === undefined || e.type === 'file' ? Buffer.from(e.content ?? '') : Buffer.alloc(0);
    parts.push(header(e, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const gzip = (b: Buffer) => gzipSync(b);

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export interface TestLayer {
  tar: Buffer;
  /** Store the blob gzipped (OCI). */
  gzip?: boolean;
}

/** A config JSON for the given layers. */
export function imageConfig(layers: Buffer[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-02T03:04:05Z',
      config: { Env: ['PATH=/bin'], Cmd: ['sh'], WorkingDir: '/w' },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) },
      ...extra,
    }),
  );
}

/** A classic `docker save` archive: manifest.json, <config-hex>.json, <n>/layer.tar. */
export function dockerSaveArchive(layers: Buffer[], repoTags: string[], config = imageConfig(layers)): Buffer {
  const configName = `${sha256(config).slice(7)}.json`;
  const layerNames = layers.map((_, i) => `${String(i).padStart(64, 'a')}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: repoTags, Layers: layerNames }];
  return buildTar([
    { path: configName, content: config },
    ...layers.flatMap((l, i): TarEntrySpec[] => [
      { path: layerNames[i].split('/')[0], type: 'dir' },
      { path: layerNames[i], content: l },
    ]),
    { path: 'manifest.json', content: JSON.stringify(manifest) },
  ]);
}

/**
 * An OCI image layout. With `dockerManifest`, also the manifest.json docker 25+ writes beside it (the `docker save`
 * format since then).
 */
export function ociArchive(
  layers: TestLayer[],
  opts: { refName?: string; imageName?: string; dockerManifest?: string[]; config?: Buffer; blobOverride?: Record<number, Buffer> } = {},
): Buffer {
  const config = opts.config ?? imageConfig(layers.map((l) => l.tar));
  const blobs = new Map<string, Buffer>();
  const add = (b: Buffer) => {
    const d = sha256(b);
    blobs.set(d, b);
    return d;
  };
  const configDigest = add(config);
  const layerDescs = layers.map((l) => {
    const blob = l.gzip ? gzip(l.tar) : l.tar;
    return { mediaType: `application/vnd.oci.image.layer.v1.tar${l.gzip ? '+gzip' : ''}`, digest: add(blob), size: blob.length };
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layerDescs,
    }),
  );
  const manifestDigest = add(manifest);
  // a tampered blob keeps the name (digest) of the original
  for (const [i, replacement] of Object.entries(opts.blobOverride ?? {})) blobs.set(layerDescs[Number(i)].digest, replacement);
  const annotations: Record<string, string> = {};
  if (opts.refName) annotations['org.opencontainers.image.ref.name'] = opts.refName;
  if (opts.imageName) annotations['io.containerd.image.name'] = opts.imageName;
  const index = {
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations }],
  };
  const entries: TarEntrySpec[] = [
    { path: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { path: 'index.json', content: JSON.stringify(index) },
    { path: 'blobs', type: 'dir' },
    { path: 'blobs/sha256', type: 'dir' },
    ...[...blobs].map(([d, b]) => ({ path: `blobs/sha256/${d.slice(7)}`, content: b })),
  ];
  if (opts.dockerManifest) {
    const m = [
      {
        Config: `blobs/sha256/${configDigest.slice(7)}`,
        RepoTags: opts.dockerManifest,
        Layers: layerDescs.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
      },
    ];
    entries.push({ path: 'manifest.json', content: JSON.stringify(m) });
  }
  return buildTar(entries);
}
