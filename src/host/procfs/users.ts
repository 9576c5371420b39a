// uid -> name from the host's /etc/passwd (read once; containers' own passwd files are not consulted, as ps).
import { readText } from '../read.js';

export function userResolver(passwdPath: string): (uid: number) => string {
  const names = new Map<number, string>();
  for (const line of (readText(passwdPath) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && !names.has(Number(f[2]))) names.set(Number(f[2]), f[0]);
  }
  return (uid) => names.get(uid) ?? String(uid);
}
