// `tctop import`: one rootfs tar (plain or gzip, file or stdin) becomes a one-layer image, as `docker import`.
import { rm } from 'node:fs/promises';
import { arch } from 'node:os';
import { cell } from '../../text/sanitize.js';
import { applyChanges } from './changes.js';
import { commitImages, type CommittedImage } from './commit.js';
import { sha256Digest } from './sha256.js';
import type { ImageConfig } from './image-config.js';
import { LayerStager } from './layer-stager.js';
import { normalizeReference } from './reference.js';
import { createStaging } from './staging.js';
import { openInput, type ArchiveInput } from './tar-source.js';

export interface ImportOptions {
  /** name[:tag]; without one the image is untagged. */
  ref?: string;
  /** Dockerfile-style instructions: CMD, ENTRYPOINT, ENV, WORKDIR, USER. */
  changes?: string[];
  /** Recorded in the image history. */
  message?: string;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

export async function importRootfs(root: string, input: ArchiveInput, options: ImportOptions = {}): Promise<CommittedImage> {
  // validate everything the user typed before reading a byte
  const refs = options.ref ? [normalizeReference(options.ref)] : [];
  const runtime = applyChanges({ Env: DEFAULT_ENV }, options.changes ?? []);
  const staging = await createStaging(root);
  try {
    const what = typeof input === 'string' && input !== '-' ? `rootfs ${cell(input, 200)}` : 'rootfs (stdin)';
    const stager = new LayerStager(root, staging);
    const diffId = await stager.stage(() => openInput(input), {}, what);
    const created = new Date().toISOString();
    const config: ImageConfig = {
      architecture: GOARCH[arch()] ?? arch(),
      os: 'linux',
      created,
      config: { ...runtime } as ImageConfig['config'],
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [
        {
          created,
          created_by: 'tctop import',
          comment: options.message ?? 'Imported from ' + (typeof input === 'string' ? input : 'a stream'),
        },
      ],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configHex = sha256Digest(configBytes).slice(7);
    const [committed] = await commitImages(root, stager.staged.values(), [{ configHex, configBytes, config, refs }]);
    return committed;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
