// Rendering for `tctop images`: one row per tag (untagged images as <none>), or JSON.
import type { ImageSummary } from '../../../engine/images/index.js';
import { parseReference } from '../../../engine/images/reference.js';
import { formatBytes, formatDuration, renderTable } from '../../../text/format.js';
import { cell } from '../../../text/sanitize.js';

export interface ImagesPrintOptions {
  json: boolean;
  quiet: boolean;
  noTrunc: boolean;
  now?: number;
}

function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return [ref.slice(0, colon), ref.slice(colon + 1)];
}

function age(created: string | undefined, now: number): string {
  const t = created ? Date.parse(created) : NaN;
  return Number.isFinite(t) ? `${formatDuration(Math.max(0, (now - t) / 1000))} ago` : '-';
}

/** `tctop images busybox` / `busybox:1`: images with a matching tag, showing only the matching tags. */
export function byRepository(images: ImageSummary[], filter: string): ImageSummary[] {
  const { name, tag } = parseReference(filter);
  const wantTag = filter.slice(filter.lastIndexOf('/') + 1).includes(':') ? tag : undefined;
  const matches = (ref: string) => {
    const [repo, t] = splitRef(ref);
    return repo === name && (wantTag === undefined || t === wantTag);
  };
  return images.filter((i) => i.refs.some(matches)).map((i) => ({ ...i, refs: i.refs.filter(matches) }));
}

export function printImages(images: ImageSummary[], opts: ImagesPrintOptions): string {
  if (opts.json) return JSON.stringify(images, null, 2) + '\n';
  const id = (full: string) => (opts.noTrunc ? full : full.slice('sha256:'.length, 'sha256:'.length + 12));
  if (opts.quiet) return images.map((i) => id(i.id) + '\n').join('');
  const now = opts.now ?? Date.now();
  const rows: string[][] = [];
  for (const image of images) {
    const refs = image.refs.length ? image.refs.map(splitRef) : [['<none>', '<none>'] as [string, string]];
    for (const [repo, tag] of refs)
      rows.push([cell(repo, 200), cell(tag, 128), id(image.id), age(image.created, now), formatBytes(image.size)]);
  }
  return renderTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows);
}
