// The image store's public face, for the CLI and the container engine.
export { resolveImage, type ResolvedImage } from './resolve.js';
export { listImages, type ImageSummary } from './catalog.js';
export { removeImage, type RemoveResult } from './remove.js';
export { loadArchive } from './load.js';
export { importRootfs, type ImportOptions } from './import-rootfs.js';
export type { CommittedImage } from './commit.js';
export type { RuntimeConfig } from './image-config.js';
export { tctopRoot, DEFAULT_ROOT } from './store-paths.js';
export { abandonStaging } from './staging.js';
