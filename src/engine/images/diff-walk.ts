// A directory as a layer tar: a container's overlay upper dir (commit, a build's RUN) or a layer in the store (save).
// Both hold deletions the overlay way (char device 0/0 whiteouts, trusted.overlay.opaque dirs); the tar says them
// the image way (`.wh.<name>`, `.wh..wh..opq`). Entries come sorted, with whole-second times and no varying fields,
// so the same tree always gives the same bytes (and so the same diff_id).
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NativeError } from '../../errors.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarHeader } from './diff-tar-format.js';
import { readTreeXattrs, type TreeXattrs } from './diff-xattrs.js';

/** The attributes an image layer may carry (as extraction restores them); trusted.* is overlay's own. */
const KEPT_XATTR = /^(?:user\.[\w.:@+-]+|security\.capability|system\.posix_acl_access|system\.posix_acl_default)$/;
const OPAQUE = 'trusted.overlay.opaque';

export interface DiffOptions {
  /** An upper dir also holds what the engine put there for the run (mount points); those are not the container's changes. */
  containerUpper?: boolean;
}

export interface LayerEntry {
  header: TarHeader;
  /** Absolute path of a regular file whose content follows the header. */
  content?: Buffer;
}

/** The mount points the engine creates in a container's rootfs: docker keeps these out of commits too. */
const ENGINE_FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);
const ENGINE_DIRS = new Set(['proc', 'sys', 'dev']);

const join = (a: Buffer, b: Buffer) => Buffer.concat([a, Buffer.from('/'), b]);
const seconds = (st: Stats) => Math.floor(st.mtimeMs / 1000);

function keptXattrs(xattrs: TreeXattrs, abs: Buffer): Map<string, Buffer> | undefined {
  const all = xattrs.get(abs.toString('latin1'));
  if (!all) return undefined;
  const kept = new Map([...all].filter(([name]) => KEPT_XATTR.test(name)));
  return kept.size ? kept : undefined;
}

function collect(dir: Buffer, options: DiffOptions): LayerEntry[] {
  const xattrs = readTreeXattrs(dir.toString('latin1'));
  const entries: LayerEntry[] = [];
  const links = new Map<string, Buffer>();
  const walk = (absDir: Buffer, relDir: Buffer | null): void => {
    const names = (readdirSync(absDir, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare);
    for (const name of names) {
      const abs = join(absDir, name);
      const rel = relDir ? join(relDir, name) : name;
      const relText = rel.toString();
      const st = lstatSync(abs);
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: 0, mtime: seconds(st) };
      if (options.containerUpper && !relDir && ENGINE_DIRS.has(relText) && st.isDirectory() && readdirSync(abs).length === 0) continue;
      if (options.containerUpper && ENGINE_FILES.has(relText) && st.isFile() && st.size === 0) continue;
      if (st.isCharacterDevice() && st.rdev === 0) {
        const wh = Buffer.concat([relDir ? Buffer.concat([relDir, Buffer.from('/')]) : Buffer.alloc(0), Buffer.from('.wh.'), name]);
        entries.push({ header: { path: wh, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 } });
      } else if (st.isDirectory()) {
        const attrs = xattrs.get(abs.toString('latin1'));
        entries.push({ header: { ...base, path: Buffer.concat([rel, Buffer.from('/')]), type: 'dir', xattrs: keptXattrs(xattrs, abs) } });
        if (attrs?.get(OPAQUE)?.toString() === 'y')
          entries.push({
            header: { path: join(rel, Buffer.from('.wh..wh..opq')), type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 },
          });
        walk(abs, rel);
      } else if (st.isSymbolicLink()) {
        entries.push({ header: { ...base, mode: 0o777, path: rel, type: 'symlink', linkpath: readlinkSync(abs, { encoding: 'buffer' }) } });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? links.get(key) : undefined;
        if (first) entries.push({ header: { ...base, path: rel, type: 'hardlink', linkpath: first } });
        else {
          if (st.nlink > 1) links.set(key, rel);
          entries.push({ header: { ...base, path: rel, type: 'file', size: st.size, xattrs: keptXattrs(xattrs, abs) }, content: abs });
        }
      } else if (st.isFIFO()) {
        entries.push({ header: { ...base, path: rel, type: 'fifo' } });
      }
      // sockets and real devices are not image content (docker leaves sockets out; a layer may not carry devices)
    }
  };
  walk(dir, null);
  return options.containerUpper ? dropCopiedUpShells(entries, xattrs, dir) : entries;
}

/** A dir the engine's mount points alone copied up (etc/ for etc/hosts) is no change of the container's. */
function dropCopiedUpShells(entries: LayerEntry[], xattrs: TreeXattrs, dir: Buffer): LayerEntry[] {
  return entries.filter((e, i) => {
    if (e.header.type !== 'dir' || e.header.path.toString() !== 'etc/') return true;
    const hasChild = entries.slice(i + 1).some((c) => c.header.path.toString().startsWith('etc/'));
    const origin = xattrs.get(join(dir, Buffer.from('etc')).toString('latin1'))?.has('trusted.overlay.origin');
    return hasChild || !origin;
  });
}

/** What the layer tar of `dir` holds, in order. */
export function layerEntries(dir: string, options: DiffOptions = {}): LayerEntry[] {
  return collect(Buffer.from(resolve(dir)), options);
}

/** The layer tar of `dir` (or of entries already listed), streamed. */
export async function* layerTarStream(dir: string, options: DiffOptions = {}, listed?: LayerEntry[]): AsyncGenerator<Buffer> {
  const entries = listed ?? layerEntries(dir, options);
  const chunk = Buffer.alloc(1 << 20);
  for (const entry of entries) {
    yield encodeHeader(entry.header);
    if (!entry.content) continue;
    const handle = await open(entry.content, 'r');
    try {
      let left = entry.header.size;
      while (left > 0) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, left), null);
        if (bytesRead === 0) throw new NativeError(`${entry.content.toString()} shrank while it was being archived`);
        left -= bytesRead;
        yield Buffer.from(chunk.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    yield padding(entry.header.size);
  }
  yield END_OF_ARCHIVE;
}
