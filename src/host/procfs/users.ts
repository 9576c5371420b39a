// uid -> name from the host's /etc/passwd (read once; containers' own passwd files are not consulted, as ps).
import { parsePasswd } from '../passwd.js';
import { readText } from '../read.js';

export function userResolver(passwdPath: string): (uid: number) => string {
  const names = new Map<number, string>();
  for (const e of parsePasswd(readText(passwdPath))) if (!names.has(e.uid)) names.set(e.uid, e.name);
  return (uid) => names.get(uid) ?? String(uid);
}
