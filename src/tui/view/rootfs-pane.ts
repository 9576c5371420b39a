// Snapshot-layer rootfs -> the detail view's "Root filesystem" pane: the overlay's lower layers (digest where the
// runtime's store names it), the upper (writable) dir and its size, the mounts with their host sources. Plain
// escaped lines, fitted to the width; the widget layer only places them.
import type { WritableLayerUsage } from '../../snapshot/rootfs/fs-usage-cache.js';
import type { ContainerRootfs } from '../../snapshot/rootfs/model.js';
import { formatBytes } from '../../text/format.js';
import { fitCell } from './text-cells.js';

export interface RootfsPaneInput {
  rootfs: ContainerRootfs | undefined;
  /** The upper dir's last measured size; undefined while the first walk runs. */
  usage: WritableLayerUsage | undefined;
}

/** fitCell escapes what the host wrote (paths, names) and cuts it to the width. */
const line = (label: string, text: string, width: number) => fitCell(`${label.padEnd(8)} ${text}`, width).trimEnd();

/** The digest cut to its hex's first 12, as docker shows IDs; the store's name, or why it has none, otherwise. */
function layerName(l: ContainerRootfs['lower'][number]): string {
  if (l.digest) return l.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
  return l.note ? `(${l.note})` : '(not named by its runtime)';
}

export function rootfsPaneLines({ rootfs, usage }: RootfsPaneInput, width: number): string[] {
  if (!rootfs) return ['(runs no process: no mount namespace to read)'];
  if (rootfs.kind === 'host') return ["the host's own: the container shares the host's mount namespace"];
  const out: string[] = [];
  if (rootfs.kind !== 'overlay') out.push(line(rootfs.kind === 'bind' ? 'dir' : rootfs.fsType || 'root', rootfs.source, width));
  else out.push(line('overlay', `${rootfs.lower.length} lower layer(s), top-most first${rootfs.readOnly ? ', read-only' : ''}`, width));
  for (const l of rootfs.lower) out.push(line('lower', `${layerName(l)}  ${l.path}`, width));
  if (rootfs.upper !== undefined) {
    const size = usage ? formatBytes(usage.usageBytes) : 'measuring…';
    out.push(line('upper', `${rootfs.upper}  ${size}${rootfs.upperDevice ? ` on ${rootfs.upperDevice}` : ''}`, width));
  }
  for (const m of rootfs.mounts) {
    const what = m.kind === 'bind' ? m.source : m.kind === 'tmpfs' ? 'tmpfs' : `${m.fsType} ${m.source}`;
    out.push(line(m.kind === 'bind' ? 'bind' : 'mount', `${m.destination} <- ${what}${m.readOnly ? ' (ro)' : ''}`, width));
  }
  return out;
}
