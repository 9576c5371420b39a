// `tctop load`: a docker save archive or an OCI image layout, from a file or stdin, all-or-nothing.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { readArchiveImages, readSmallFile } from './archive-formats.js';
import { commitImages, type CommittedImage, type StagedImage } from './commit.js';
import { sha256Digest } from './sha256.js';
import { extractTar } from './extract-tar.js';
import { parseImageConfig } from './image-config.js';
import { LayerStager } from './layer-stager.js';
import { createStaging } from './staging.js';
import { openInput, type ArchiveInput } from './tar-source.js';

export async function loadArchive(root: string, input: ArchiveInput): Promise<CommittedImage[]> {
  const staging = await createStaging(root);
  try {
    const archiveDir = join(staging, 'archive');
    const name = typeof input === 'string' && input !== '-' ? `archive ${cell(input, 200)}` : 'archive (stdin)';
    await extractTar(openInput(input), archiveDir, { convertWhiteouts: false, what: name });
    const found = await readArchiveImages(archiveDir);
    const stager = new LayerStager(root, staging);
    const images: StagedImage[] = [];
    for (const image of found) {
      const configBytes = await readSmallFile(image.configFile, 'image config');
      const configDigest = sha256Digest(configBytes);
      if (image.configDigest && image.configDigest !== configDigest) {
        throw new UsageError(
          `refusing archive: image config does not match its digest (expected ${image.configDigest}, content is ${configDigest})`,
        );
      }
      const config = parseImageConfig(configBytes, `image config ${configDigest.slice(0, 19)}`);
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== image.layers.length) {
        throw new UsageError(`refusing archive: the manifest lists ${image.layers.length} layers but the config ${diffIds.length}`);
      }
      for (const [i, layer] of image.layers.entries()) {
        const what = `layer ${i + 1} (${diffIds[i].slice(0, 19)})`;
        await stager.stage(() => openInput(layer.file), { diffId: diffIds[i], blobDigest: layer.blobDigest }, what);
      }
      images.push({ configHex: configDigest.slice(7), configBytes, config, refs: image.refs });
    }
    return await commitImages(root, stager.staged.values(), images);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
