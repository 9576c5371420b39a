// The next image config of a build step or a commit: the parent's, with a new container config, maybe one more
// layer, and one more history entry (empty_layer when the step made no layer), as docker records them.
import type { ImageConfig } from '../images/image-config.js';
import type { ContainerConfig } from './config-apply.js';

const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export interface HistoryEntry {
  created: string;
  created_by: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** FROM scratch: no layers, no history, an empty container config. */
export function scratchConfig(): ImageConfig {
  return {
    architecture: GOARCH[process.arch] ?? process.arch,
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

export function nextImageConfig(
  parent: ImageConfig,
  config: ContainerConfig,
  step: { createdBy: string; diffId?: string; author?: string; comment?: string; created?: string },
): ImageConfig {
  const created = step.created ?? new Date().toISOString();
  const entry: HistoryEntry = { created, created_by: step.createdBy };
  if (step.author) entry.author = step.author;
  if (step.comment) entry.comment = step.comment;
  if (!step.diffId) entry.empty_layer = true;
  const next: ImageConfig = {
    ...parent,
    architecture: parent.architecture ?? GOARCH[process.arch] ?? process.arch,
    os: parent.os ?? 'linux',
    created,
    config: pruned(config) as ImageConfig['config'],
    rootfs: { type: 'layers', diff_ids: step.diffId ? [...parent.rootfs.diff_ids, step.diffId] : [...parent.rootfs.diff_ids] },
    history: [...(parent.history ?? []), entry as unknown as Record<string, unknown>],
  };
  if (step.author) next.author = step.author;
  if (step.comment)
    next.comment = step.comment; // docker commit -m: the image's Comment too
  else delete next.comment;
  delete next.container_config; // the parent's build container is not this image's
  delete next.container;
  return next;
}

/** Empty maps and nulls are left out, as docker writes its configs. */
function pruned(config: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    if (k === 'Shell' && Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
