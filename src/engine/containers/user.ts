// -u name|uid[:group|gid] as docker resolves it: from the image's /etc/passwd and /etc/group (the top-most layer
// that has the file; a whiteout there means deleted), numeric IDs work without them. Layer files are read without
// following symlinks, so an image cannot make tctop read a host file.
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import { parsePasswd } from '../../host/passwd.js';
import { cell } from '../../text/sanitize.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Supplementary groups: the primary gid and every group listing the user, as docker. */
  groups: number[];
  home: string;
}

const MAX_ID = 2 ** 31 - 1;

/** The content of /etc/<name> as the container will see it, or null if no layer has it (or the top one deleted it). */
export function readImageEtcFile(topFirstLayers: string[], name: string): string | null {
  for (const layer of topFirstLayers) {
    let etc: ReturnType<typeof lstatSync>;
    try {
      etc = lstatSync(join(layer, 'etc'));
    } catch {
      continue;
    }
    if (!etc.isDirectory()) return null; // etc replaced by a file, a whiteout or a symlink: not followed
    let fd: number;
    try {
      fd = openSync(join(layer, 'etc', name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      return null; // a symlink (ELOOP), a whiteout device we may not open: treat as absent
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return null; // a whiteout (char device 0/0) deletes it
      if (st.size > 16 << 20) return null;
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  }
  return null;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parseGroup(text: string | null): GroupEntry[] {
  return (text ?? '').split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) return [];
    const gid = Number(f[2]);
    return Number.isInteger(gid) ? [{ name: f[0], gid, members: f[3] ? f[3].split(',') : [] }] : [];
  });
}

function numeric(s: string): number | null {
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  if (n > MAX_ID) throw new UsageError(`invalid user/group ID ${cell(s, 30)}: at most ${MAX_ID}`);
  return n;
}

export function resolveUser(spec: string, topFirstLayers: string[]): ResolvedUser {
  const [userPart, groupPart, extra] = (spec || '0').split(':');
  if (extra !== undefined || userPart === '' || groupPart === '')
    throw new UsageError(`invalid user "${cell(spec, 100)}": use name|uid[:group|gid]`);
  const uidNum = numeric(userPart);
  // the files are read only when a name has to be looked up or groups gathered
  const passwd = parsePasswd(readImageEtcFile(topFirstLayers, 'passwd'));
  const entry = uidNum === null ? passwd.find((p) => p.name === userPart) : passwd.find((p) => p.uid === uidNum);
  if (uidNum === null && !entry)
    throw new NotFoundError(`unable to find user ${cell(userPart, 100)}: no matching entries in the image's /etc/passwd`);
  const uid = uidNum ?? entry!.uid;
  const groupFile = parseGroup(readImageEtcFile(topFirstLayers, 'group'));
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined) {
    const g = numeric(groupPart);
    if (g !== null) gid = g;
    else {
      const group = groupFile.find((x) => x.name === groupPart);
      if (!group) throw new NotFoundError(`unable to find group ${cell(groupPart, 100)}: no matching entries in the image's /etc/group`);
      gid = group.gid;
    }
  }
  const member = entry ? groupFile.filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  const groups = [...new Set([gid, ...member])];
  return { uid, gid, groups, home: entry?.home || '/' };
}
