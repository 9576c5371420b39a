// The disk usage of a directory tree (du -sx: allocated blocks, hard links counted once), walked in bounded steps so
// its owner can spread a large tree over many turns of the event loop. The tree belongs to a container and the
// container writes it while it is walked: nothing here follows a symlink or leaves the tree. Each directory is
// opened O_NOFOLLOW and checked to be the very inode seen in its parent (a directory swapped for a link mid-walk is
// skipped), and its entries are looked at through /proc/self/fd/<fd>/<name> (lstat, relative to that open
// directory), so no path component is ever resolved again. Names are kept as bytes: any name is walked exactly.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { classifyReadError } from './read-failure.js';

export interface DirUsage {
  /** Allocated bytes (st_blocks * 512), hard-linked files once. */
  bytes: number;
  /** Inodes in the tree (the directory itself included). */
  inodes: number;
  /** Entries that vanished, were refused, or were swapped for something else while being walked. */
  skipped: number;
}

interface PendingDir {
  /** Path relative to the walked root, as bytes ('' for the root). */
  rel: Buffer;
  dev: number;
  ino: number;
}

const SLASH = Buffer.from('/');
const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export class DirUsageWalk {
  readonly usage: DirUsage = { bytes: 0, inodes: 0, skipped: 0 };
  private readonly root: Buffer;
  private readonly pending: PendingDir[] = [];
  private readonly linked = new Set<string>();
  private rootDev: number | undefined;
  /** The directory being read: its descriptor and the names still to look at. */
  private current: { fd: number; rel: Buffer; names: Buffer[]; next: number; prefix: Buffer } | undefined;
  private failed: string | undefined;
  /** Entries looked at so far (the cost measure). */
  visited = 0;

  constructor(dir: string) {
    this.root = Buffer.from(dir);
    this.pending.push({ rel: Buffer.alloc(0), dev: -1, ino: -1 });
  }

  /** Why the walk could not start (the root is gone, not a directory, or refused); undefined otherwise. */
  get error(): string | undefined {
    return this.failed;
  }

  get done(): boolean {
    return this.current === undefined && this.pending.length === 0;
  }

  /** Look at up to `budget` entries (and at most `maxMs` of time); true once the whole tree is walked. */
  step(budget: number, maxMs = Number.POSITIVE_INFINITY): boolean {
    const until = performance.now() + maxMs;
    let left = budget;
    while (left > 0 && !this.done) {
      if (!this.current) {
        this.openNext();
        continue;
      }
      const c = this.current;
      if (c.next >= c.names.length) {
        this.closeCurrent();
        continue;
      }
      this.visit(c.prefix, c.rel, c.names[c.next++]);
      left--;
      if ((left & 63) === 0 && performance.now() > until) break;
    }
    return this.done;
  }

  /** Give back the descriptor of a walk abandoned half way. */
  close(): void {
    this.closeCurrent();
    this.pending.length = 0;
  }

  private openNext(): void {
    const dir = this.pending.pop()!;
    const path = dir.rel.length ? Buffer.concat([this.root, SLASH, dir.rel]) : this.root;
    let fd: number;
    try {
      fd = openSync(path, OPEN_DIR);
    } catch (err) {
      if (classifyReadError(err) === undefined && !isLinkOrNotDir(err)) throw err;
      if (this.rootDev === undefined) this.failed = errCode(err);
      else this.usage.skipped++;
      return;
    }
    const st = fstatSync(fd);
    if (this.rootDev === undefined) {
      this.rootDev = st.dev;
      this.usage.bytes += st.blocks * 512;
      this.usage.inodes++;
    } else if (st.dev !== dir.dev || st.ino !== dir.ino) {
      closeSync(fd); // not the directory its parent listed: something was swapped in on the way
      this.usage.skipped++;
      return;
    }
    let names: Buffer[];
    try {
      names = readdirSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' });
    } catch (err) {
      closeSync(fd);
      if (classifyReadError(err) === undefined) throw err;
      this.usage.skipped++;
      return;
    }
    this.current = { fd, rel: dir.rel, names, next: 0, prefix: Buffer.from(`/proc/self/fd/${fd}/`) };
  }

  /** `prefix`: /proc/self/fd/<the open directory's fd>/, so `name` is looked up in that very directory. */
  private visit(prefix: Buffer, rel: Buffer, name: Buffer): void {
    this.visited++;
    const at = Buffer.concat([prefix, name]);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(at, { throwIfNoEntry: false });
    } catch (err) {
      if (classifyReadError(err) === undefined) throw err;
      st = undefined;
    }
    if (!st) {
      this.usage.skipped++; // removed since the directory was listed, or refused
      return;
    }
    if (st.dev !== this.rootDev) return; // another filesystem mounted inside: not this tree's (du -x)
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = String(st.ino);
      if (this.linked.has(key)) return;
      this.linked.add(key);
    }
    this.usage.bytes += st.blocks * 512;
    this.usage.inodes++;
    if (st.isDirectory()) this.pending.push({ rel: rel.length ? Buffer.concat([rel, SLASH, name]) : name, dev: st.dev, ino: st.ino });
  }

  private closeCurrent(): void {
    if (!this.current) return;
    closeSync(this.current.fd);
    this.current = undefined;
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

/** ELOOP (O_NOFOLLOW met a link) and ENOTDIR: the path is no longer the directory it was. */
function isLinkOrNotDir(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ELOOP' || code === 'ENOTDIR';
}
