// /proc/<pid>/ns/*: symlinks "type:[inode]"; readlink alone, no open, so it is cheap and needs no ptrace access
// beyond what the kernel checks for the link itself.
import { join } from 'node:path';
import { NAMESPACE_TYPES, type NamespaceSet, type NamespaceType } from '../../snapshot/model.js';
import { readLink } from '../read.js';

export function parseNsLink(link: string | null): number | undefined {
  if (!link) return undefined;
  const open = link.indexOf('[');
  if (open < 0) return undefined;
  const n = Number(link.slice(open + 1, -1));
  return Number.isFinite(n) ? n : undefined;
}

export function readNamespace(procDir: string, pid: number, type: NamespaceType): number | undefined {
  return parseNsLink(readLink(join(procDir, String(pid), 'ns', type)));
}

export function readNamespaces(procDir: string, pid: number): NamespaceSet {
  const out: NamespaceSet = {};
  for (const type of NAMESPACE_TYPES) {
    const inode = readNamespace(procDir, pid, type);
    if (inode !== undefined) out[type] = inode;
  }
  return out;
}
