// Decides, entry by entry, what a layer tar may contain. node-tar has its own guards; this is the second, stricter
// line: an entry is refused when it could land outside the layer, now or once later entries are written.
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

/** The header fields the policy looks at (a subset of node-tar's ReadEntry). */
export interface TarEntryHeader {
  path: string;
  type: string;
  linkpath?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  size?: number;
  devmaj?: number;
  devmin?: number;
}

/** What a kept entry turned into, for the pass that fixes modes, owners and times after node-tar wrote it. */
export interface KeptEntry {
  rel: string;
  kind: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo';
  /** A symlink's target, verbatim (absolute targets stay absolute: they are resolved inside the container). */
  linkpath?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

export type EntryDecision = { action: 'extract'; entry: KeptEntry } | { action: 'skip' };

export interface PolicyOptions {
  /** Layer tars carry `.wh.` whiteouts to convert; an outer image archive does not. */
  convertWhiteouts: boolean;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export function refusal(path: string, why: string): UsageError {
  return new UsageError(`refusing archive: entry "${cell(path, 200)}" ${why}`);
}

/** "./a//b/" -> "a/b"; refuses absolute paths and any `..` component. "" is the layer root itself. */
export function normalizeEntryPath(raw: string, original = raw): string {
  if (raw.startsWith('/')) throw refusal(original, 'has an absolute path');
  if (raw.includes('\0')) throw refusal(original, 'has a NUL byte in its path');
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw refusal(original, 'escapes the layer');
    parts.push(part);
  }
  return parts.join('/');
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export class LayerEntryPolicy {
  /** Paths that are directories (explicit entries and implied parents). */
  private readonly dirs = new Set<string>(['']);
  private readonly symlinks = new Set<string>();
  /** Paths holding something a hardlink may point at (files, symlinks, other hardlinks). */
  private readonly linkable = new Set<string>();
  readonly kept = new Map<string, KeptEntry>();
  readonly whiteouts: string[] = [];
  readonly opaqueDirs: string[] = [];
  /** Sum of regular file sizes: what the layer occupies once extracted (hardlinks counted once). */
  contentBytes = 0;

  constructor(private readonly options: PolicyOptions) {}

  /** Throws a refusal naming the entry, or says whether node-tar should write it. */
  decide(header: TarEntryHeader): EntryDecision {
    const rel = normalizeEntryPath(header.path);
    this.assertNoSymlinkAncestor(rel, header.path);
    const base = baseOf(rel);
    if (this.options.convertWhiteouts && base.startsWith(WHITEOUT_PREFIX)) return this.whiteout(rel, header.path);

    switch (header.type) {
      case 'Directory':
      case 'GNUDumpDir':
        if (this.symlinks.has(rel) || this.linkable.has(rel)) throw refusal(header.path, 'turns an earlier non-directory into a directory');
        this.addDir(rel);
        return this.keep(rel, 'dir', header);
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        this.assertNotDir(rel, header.path);
        this.addParents(rel);
        this.linkable.add(rel);
        this.symlinks.delete(rel);
        this.contentBytes += header.size ?? 0;
        return this.keep(rel, 'file', header);
      case 'SymbolicLink':
        // A symlink is only followed inside the container, so any target is fine; what matters is that no later entry
        // is written through it (assertNoSymlinkAncestor) and that it does not replace a directory.
        this.assertNotDir(rel, header.path);
        if (!header.linkpath) throw refusal(header.path, 'is a symlink without a target');
        this.addParents(rel);
        this.symlinks.add(rel);
        this.linkable.delete(rel);
        // written by our own pass after node-tar, which would rewrite absolute targets as relative ones
        this.kept.set(rel, { rel, kind: 'symlink', linkpath: header.linkpath, uid: header.uid, gid: header.gid, mtime: header.mtime });
        return { action: 'skip' };
      case 'Link': {
        this.assertNotDir(rel, header.path);
        const raw = header.linkpath ?? '';
        if (raw.startsWith('/')) throw refusal(header.path, `is a hardlink to an absolute path "${cell(raw, 200)}"`);
        let target: string;
        try {
          target = normalizeEntryPath(raw, header.path);
        } catch {
          throw refusal(header.path, `is a hardlink to "${cell(raw, 200)}" outside the layer`);
        }
        this.assertNoSymlinkAncestor(target, header.path);
        if (!this.linkable.has(target))
          throw refusal(header.path, `is a hardlink to "${cell(raw, 200)}", which is not an earlier regular file of the layer`);
        this.addParents(rel);
        this.linkable.add(rel);
        return this.keep(rel, 'hardlink', header);
      }
      case 'CharacterDevice':
        // Some tools already write overlay-style whiteouts (char 0/0); those are the only devices allowed.
        if (this.options.convertWhiteouts && (header.devmaj ?? 0) === 0 && (header.devmin ?? 0) === 0) {
          this.assertNotDir(rel, header.path);
          this.addParents(rel);
          this.whiteouts.push(rel);
          return { action: 'skip' };
        }
        throw refusal(header.path, 'is a device (only whiteouts are allowed)');
      case 'BlockDevice':
        throw refusal(header.path, 'is a device (only whiteouts are allowed)');
      case 'FIFO':
        this.assertNotDir(rel, header.path);
        this.addParents(rel);
        this.kept.set(rel, { rel, kind: 'fifo', mode: header.mode, uid: header.uid, gid: header.gid, mtime: header.mtime });
        return { action: 'skip' }; // node-tar cannot make FIFOs; the post-pass does
      default:
        throw refusal(header.path, `has an unsupported type (${cell(header.type, 40)})`);
    }
  }

  private whiteout(rel: string, original: string): EntryDecision {
    const dir = parentOf(rel);
    const base = baseOf(rel);
    this.addParents(rel);
    if (base === OPAQUE_MARKER) this.opaqueDirs.push(dir);
    else if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
      // other aufs metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless for overlayfs
    } else {
      const name = base.slice(WHITEOUT_PREFIX.length);
      if (name === '' || name === '.' || name === '..') throw refusal(original, 'is a whiteout without a name');
      const hidden = dir ? `${dir}/${name}` : name;
      if (this.symlinks.has(hidden) || this.linkable.has(hidden) || this.dirs.has(hidden))
        throw refusal(original, 'whites out a file of its own layer');
      this.whiteouts.push(hidden);
    }
    return { action: 'skip' };
  }

  private keep(rel: string, kind: KeptEntry['kind'], h: TarEntryHeader): EntryDecision {
    const entry: KeptEntry = { rel, kind, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime };
    this.kept.set(rel, entry);
    return { action: 'extract', entry };
  }

  private assertNoSymlinkAncestor(rel: string, original: string): void {
    let i = rel.indexOf('/');
    while (i >= 0) {
      if (this.symlinks.has(rel.slice(0, i))) throw refusal(original, `is below the symlink "${cell(rel.slice(0, i), 200)}"`);
      i = rel.indexOf('/', i + 1);
    }
  }

  private assertNotDir(rel: string, original: string): void {
    if (rel === '' || this.dirs.has(rel)) throw refusal(original, 'replaces a directory');
  }

  private addDir(rel: string): void {
    this.addParents(rel);
    this.dirs.add(rel);
  }

  private addParents(rel: string): void {
    for (let dir = parentOf(rel); dir !== '' && !this.dirs.has(dir); dir = parentOf(dir)) {
      if (this.linkable.has(dir)) throw refusal(rel, `needs "${cell(dir, 200)}" to be a directory, but it is a file`);
      this.dirs.add(dir);
    }
  }
}
