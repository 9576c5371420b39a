// Extended attributes of a whole tree in one getfattr run (Node has no getxattr): the overlay opaque marks of an
// upper dir or a stored layer, and the attributes a layer tar carries (user.*, file capabilities, ACLs).
import { UnsupportedError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';

// on first use: a fully cached build loads this module and never reads an attribute
const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

/** Absolute path (bytes as a latin1 string) -> attribute name -> value. */
export type TreeXattrs = Map<string, Map<string, Buffer>>;

/** getfattr writes \ooo for control bytes and the backslash; every other byte comes through raw. */
function unescapeName(raw: string): string {
  return raw.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function readTreeXattrs(dir: string): TreeXattrs {
  const r = childProcess().spawnSync('getfattr', ['-h', '-R', '-P', '-d', '-m', '-', '-e', 'base64', '--absolute-names', '--', dir], {
    maxBuffer: 256 << 20,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new UnsupportedError('reading extended attributes needs getfattr (Debian package attr), which is not installed');
  const out: TreeXattrs = new Map();
  let current: Map<string, Buffer> | undefined;
  for (const line of (r.stdout ?? Buffer.alloc(0)).toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unescapeName(line.slice(8)), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) continue;
    const value = line.slice(eq + 1);
    current.set(
      line.slice(0, eq),
      value.startsWith('0s') ? Buffer.from(value.slice(2), 'base64') : Buffer.from(value.replace(/^"|"$/g, ''), 'latin1'),
    );
  }
  return out;
}
