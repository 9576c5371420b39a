// /proc/<pid>/mountinfo (proc(5)): one mount a line,
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
// The kernel escapes space, tab, newline and backslash in the root, mount point and source as \ooo, so a line is one
// record whatever a path holds; the super options are escaped per option (commas too). A line that does not parse is
// skipped and counted, never thrown on: a container's mount table is its owner's to make hostile.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';

export interface MountEntry {
  mountId: number;
  parentId: number;
  /** "major:minor" of the filesystem (st_dev). */
  device: string;
  /** The path inside the filesystem that is mounted here ('/' for a whole filesystem, a subdir for a bind mount). */
  root: string;
  /** Where it is mounted, relative to the reading process's root. */
  mountPoint: string;
  /** Per-mount options (rw, nosuid, relatime ...). */
  options: string[];
  /** Filesystem type (overlay, ext4, tmpfs ...), with any subtype (fuse.sshfs). */
  fsType: string;
  /** The mount source: a device, 'overlay', 'tmpfs' ... */
  source: string;
  /** Per-superblock options as written by the kernel, one `key[=value]` each, unescaped. */
  superOptions: string[];
}

/** Undo the kernel's \ooo escapes (mangle() and seq_escape()). */
export function unescapeOctal(s: string): string {
  return s.indexOf('\\') < 0 ? s : s.replace(/\\([0-3][0-7]{2})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** One line; undefined when it lacks a field or its numbers are not numbers. */
export function parseMountLine(line: string): MountEntry | undefined {
  const f = line.split(' ');
  const dash = f.indexOf('-', 6);
  if (f.length < 10 || dash < 0 || f.length < dash + 3) return undefined;
  const mountId = Number(f[0]);
  const parentId = Number(f[1]);
  if (!/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1]) || !/^\d+:\d+$/.test(f[2])) return undefined;
  let superOptions: string[] | undefined;
  return {
    mountId,
    parentId,
    device: f[2],
    root: unescapeOctal(f[3]),
    mountPoint: unescapeOctal(f[4]),
    options: f[5].split(','),
    fsType: unescapeOctal(f[dash + 1]),
    source: unescapeOctal(f[dash + 2]),
    // split when first asked for: most lines' (proc, cgroup, tmpfs ...) never are, and a table is read whole
    get superOptions() {
      superOptions ??= superOptionsOf(f, dash + 3);
      return superOptions;
    },
  };
}

/** The super options are the last field; a filesystem that writes a raw space into one (no kernel one should)
 * costs only that option's value, not the line. */
function superOptionsOf(fields: string[], from: number): string[] {
  return fields
    .slice(from)
    .join(' ')
    .split(',')
    .filter((o) => o !== '')
    .map(unescapeOctal);
}

export interface ParsedMounts {
  mounts: MountEntry[];
  /** Lines that did not parse (skipped). */
  malformed: number;
}

export function parseMountinfo(text: string): ParsedMounts {
  const mounts: MountEntry[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = parseMountLine(line);
    if (m) mounts.push(m);
    else malformed++;
  }
  return { mounts, malformed };
}

/** The value of a super option (`upperdir=...`), the last one when repeated; undefined when absent. */
export function superOption(m: MountEntry, key: string): string | undefined {
  const prefix = `${key}=`;
  let value: string | undefined;
  for (const o of m.superOptions) if (o.startsWith(prefix)) value = o.slice(prefix.length);
  return value;
}

/**
 * overlayfs' lower dirs, top-most first: `lowerdir=a:b` as given at mount time (colons and commas in a path escaped
 * by the mounter with a backslash), plus `lowerdir+=` and `datadir+=` (the new mount API, one layer each).
 */
export function overlayLowerDirs(m: MountEntry): string[] {
  const out: string[] = [];
  for (const o of m.superOptions) {
    if (o.startsWith('lowerdir=')) out.push(...splitEscaped(o.slice('lowerdir='.length)));
    else if (o.startsWith('lowerdir+=')) out.push(dropBackslashes(o.slice('lowerdir+='.length)));
    else if (o.startsWith('datadir+=')) out.push(dropBackslashes(o.slice('datadir+='.length)));
  }
  return out.filter((d) => d !== '');
}

/** Split on ':' not escaped by a backslash, then undo the backslash escapes. */
function splitEscaped(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      cur += ch + value[++i];
    } else if (ch === ':') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map(dropBackslashes);
}

function dropBackslashes(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** /proc/<pid>/mountinfo of a process; null when it is gone or may not be read (the reader notes which). */
export function readMountinfo(r: HostReader, pid: number | 'self'): ParsedMounts | null {
  const path = join(r.paths.proc, String(pid), 'mountinfo');
  const text = r.text(path, true);
  if (text === null) return null;
  const parsed = parseMountinfo(text);
  if (parsed.malformed > 0) r.malformed(path, `${parsed.malformed} line(s) not in mountinfo's format`);
  return parsed;
}
