// A container's root filesystem as the host sees it, from its init's mount namespace: the root mount (an overlay's
// layers, or the directory or device it is), and the other mounts with their sources on the host. Paths are host
// paths (as the host's mount table and the runtime's store name them), raw: escape them before printing.

/** An image layer behind an overlay lower dir, as the runtime's store names it (adapters' `imageLayers`). */
export interface LayerName {
  /** The layer's content digest (the image config's diff_id, `docker image inspect`'s RootFS.Layers). */
  digest?: string;
  /** The store's own name for it: docker's cache-id, podman's layer ID, containerd's snapshot number. */
  storeId?: string;
  /** What the store says instead of a digest (docker's per-container init layer), or why it cannot say. */
  note?: string;
}

export interface RootfsLayer extends LayerName {
  /** The lower dir as the overlay's options give it, resolved by the runtime where it uses links (docker's l/). */
  path: string;
}

export type RootKind = 'overlay' | 'bind' | 'device' | 'host' | 'other';

export interface RootfsMount {
  /** Where it is in the container. */
  destination: string;
  /** bind: a host directory or file (a named volume is one too); tmpfs; or another filesystem (its type). */
  kind: 'bind' | 'tmpfs' | 'other';
  fsType: string;
  /** The host path behind a bind mount (the source filesystem's mount point on the host + the mount's root); for a
   * whole filesystem, its device or source. */
  source: string;
  readOnly: boolean;
}

export interface ContainerRootfs {
  /** overlay; bind (a host directory, LXC's and nspawn's dirs); device (a filesystem of its own: an image file);
   * host (the host's own mount namespace); other (a filesystem tctop does not know). */
  kind: RootKind;
  fsType: string;
  /** bind: the host directory; device: the device; overlay: 'overlay'. */
  source: string;
  /** Overlay lower dirs, top-most first. */
  lower: RootfsLayer[];
  upper?: string;
  work?: string;
  readOnly: boolean;
  mounts: RootfsMount[];
  /** The host device of the filesystem holding the upper dir (cAdvisor's `device` label), when found. */
  upperDevice?: string;
}
