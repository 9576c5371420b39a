// A container's root filesystem for `tctop inspect` (JSON and text), and the walk behind `--size`: the snapshot
// layer's reader gives the layers and mounts; a one-shot command may walk the writable layer to the end.
import { DirUsageWalk } from '../host/dir-usage.js';
import type { HostPaths } from '../host/paths.js';
import type { Container } from '../snapshot/model.js';
import type { ContainerRootfs } from '../snapshot/rootfs/model.js';
import { RootfsReader, upperDirHere } from '../snapshot/rootfs/rootfs-reader.js';

export interface RootfsReport {
  rootfs: ContainerRootfs;
  /** Bytes allocated in the writable layer (--size); null when not asked or not measurable. */
  sizeRw: number | null;
}

/** Each running container's rootfs; `withSize`: each upper dir walked (du -sx) too. */
export function rootfsReports(paths: HostPaths, containers: readonly Container[], withSize: boolean): Map<string, RootfsReport> {
  const reader = new RootfsReader(paths);
  const out = new Map<string, RootfsReport>();
  for (const c of containers) {
    const rootfs = reader.of(c);
    if (!rootfs) continue;
    out.set(c.id, { rootfs, sizeRw: withSize ? sizeOf(upperDirHere(paths, rootfs)) : null });
  }
  return out;
}

function sizeOf(dir: string | undefined): number | null {
  if (!dir) return null;
  const walk = new DirUsageWalk(dir);
  while (!walk.step(10_000));
  return walk.error === undefined ? walk.usage.bytes : null;
}

/** The `rootfs` key of inspect --json (null for a container that runs nothing: it has no mount namespace). */
export function rootfsJson(report: RootfsReport | undefined): Record<string, unknown> | null {
  if (!report) return null;
  const r = report.rootfs;
  return {
    kind: r.kind,
    fsType: r.fsType,
    source: r.source,
    readOnly: r.readOnly,
    // top-most first, as overlay stacks them (docker image inspect lists RootFS.Layers bottom first)
    layers: r.lower.map((l) => ({ path: l.path, digest: l.digest ?? null, storeId: l.storeId ?? null, note: l.note ?? null })),
    upperDir: r.upper ?? null,
    workDir: r.work ?? null,
    device: r.upperDevice ?? null,
    sizeRw: report.sizeRw,
    mounts: r.mounts,
  };
}
