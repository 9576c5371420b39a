// /etc/os-release of the host tctop reads (under --root): the distribution's own name for itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** KEY=value lines, values optionally quoted with shell escapes (os-release(5)). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    out[m[1]] = v;
  }
  return out;
}

/** PRETTY_NAME (else NAME VERSION) of <root>/etc/os-release, falling back to <root>/usr/lib/os-release; null if neither. */
export function readOsName(root: string): string | null {
  for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      const f = parseOsRelease(readFileSync(join(root, rel), 'utf8'));
      const name = f.PRETTY_NAME || [f.NAME, f.VERSION].filter(Boolean).join(' ');
      if (name) return name;
    } catch {
      /* absent (a minimal root): try the next */
    }
  }
  return null;
}
