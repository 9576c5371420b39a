// /proc/<pid>/ns/*: symlinks "type:[inode]"; readlink alone, no open, so it is cheap and needs no ptrace access
// beyond what the kernel checks for the link itself.
import { join } from 'node:path';
import type { HostReader } from '../reader.js';
import { NAMESPACE_TYPES, type NamespaceSet, type NamespaceType } from '../records.js';

export function parseNsLink(link: string | null): number | undefined {
  if (!link) return undefined;
  const open = link.indexOf('[');
  if (open < 0) return undefined;
  const n = Number(link.slice(open + 1, -1));
  return Number.isFinite(n) ? n : undefined;
}

/** A missing link is not noted (the process is gone, or the kernel lacks the type): the caller knows which. */
export function readNamespace(r: HostReader, pid: number, type: NamespaceType): number | undefined {
  const path = join(r.paths.proc, String(pid), 'ns', type);
  const link = r.link(path);
  const inode = parseNsLink(link);
  if (link !== null && inode === undefined) r.malformed(path, 'not a namespace link');
  return inode;
}

/** Every namespace of a process (a type the kernel lacks, such as time before 5.6, is absent, not noted). */
export function readNamespaces(r: HostReader, pid: number): NamespaceSet {
  const out: NamespaceSet = {};
  for (const type of NAMESPACE_TYPES) {
    const inode = readNamespace(r, pid, type);
    if (inode !== undefined) out[type] = inode;
  }
  return out;
}
