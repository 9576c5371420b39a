// The rootfs section of the human `tctop inspect`: the root (its layers top-most first, with their digests where
// the runtime's store names them), the writable layer, and the mounts with their host sources. Every path escaped.
import type { RootfsReport } from '../../report/rootfs-report.js';
import { formatBytes, renderTable } from '../../text/format.js';
import { cell } from '../../text/sanitize.js';

const KIND_TEXT = {
  overlay: 'overlay',
  bind: 'a host directory',
  device: 'a filesystem of its own',
  host: "the host's own (shares the host's mount namespace)",
  other: 'other',
} as const;

export function rootfsLines(report: RootfsReport | undefined, field: (label: string) => string): string[] {
  if (!report) return [`${field('Rootfs')}- (runs no process: no mount namespace to read)`];
  const r = report.rootfs;
  const lines = [
    `${field('Rootfs')}${KIND_TEXT[r.kind]}${r.fsType && r.kind !== 'overlay' ? ` (${cell(r.fsType)})` : ''}${r.readOnly ? ', read-only' : ''}`,
  ];
  if (r.kind === 'bind' || r.kind === 'device' || r.kind === 'other') lines.push(`${field('Source')}${cell(r.source)}`);
  for (const l of r.lower) {
    const name = l.digest ?? (l.note ? `(${l.note})` : '(not named by the runtime)');
    lines.push(`${field('Layer')}${cell(name)}  ${cell(l.path)}`);
  }
  if (r.upper !== undefined) {
    const size = report.sizeRw !== null ? `  size ${formatBytes(report.sizeRw)}` : '';
    lines.push(`${field('Upper dir')}${cell(r.upper)}${r.upperDevice ? `  on ${cell(r.upperDevice)}` : ''}${size}`);
  }
  if (r.work !== undefined) lines.push(`${field('Work dir')}${cell(r.work)}`);
  if (r.mounts.length === 0) return lines;
  lines.push('  Mounts:');
  const rows = r.mounts.map((m) => [cell(m.destination, 120), m.kind, cell(m.source, 200), m.readOnly ? 'ro' : 'rw']);
  lines.push(
    renderTable(['DESTINATION', 'KIND', 'SOURCE (HOST)', 'MODE'], rows)
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  return lines;
}
