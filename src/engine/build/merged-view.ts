// A read-only view of a stack of layer dirs as overlayfs would merge them, without mounting anything: the top-most
// layer holding a path wins, a whiteout (char 0/0) deletes it, an opaque dir hides what lower layers hold there.
// Symlinks are resolved inside the view (an absolute or `..` target never leaves it), as docker scopes COPY --from.
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { normalize } from 'node:path';
import { UsageError } from '../../errors.js';
import { joinUnder } from '../../host/paths.js';
import { readTreeXattrs } from '../images/diff-xattrs.js';

export interface ViewEntry {
  /** Host path of the entry in the layer that provides it. */
  abs: string;
  stat: Stats;
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

export class MergedView {
  private readonly opaque = new Map<string, Set<string>>();
  /** Every lstat made, by host path: listing a dir stats its children, and the walk that follows looks each one up
   * again (a view lives for one build, as docker's context snapshot; image layers never change). */
  private readonly stats = new Map<string, Stats | null>();

  private lstat(abs: string): Stats | null {
    let st = this.stats.get(abs);
    if (st === undefined) this.stats.set(abs, (st = lstatOrNull(abs)));
    return st;
  }

  /** Layer roots, top-most first (normalized: joinUnder's concatenations need it). */
  readonly layers: string[];

  /** A single plain dir (the build context) is a view too. */
  constructor(
    layers: string[],
    private readonly overlayMarks = true,
  ) {
    this.layers = layers.map((l) => normalize(l));
  }

  private opaqueDirs(layer: string): Set<string> {
    let set = this.opaque.get(layer);
    if (!set) {
      set = new Set();
      if (this.overlayMarks) {
        for (const [path, attrs] of readTreeXattrs(layer)) {
          if (attrs.get('trusted.overlay.opaque')?.toString() === 'y')
            set.add(
              Buffer.from(path, 'latin1')
                .toString()
                .slice(layer.length + 1),
            );
        }
      }
      this.opaque.set(layer, set);
    }
    return set;
  }

  /** Whether this layer hides `rel` in the layers below (an ancestor deleted, replaced by a non-dir, or opaque). */
  private hidesBelow(layer: string, parts: string[]): boolean {
    for (let i = parts.length - 1; i >= 1; i--) {
      const anc = parts.slice(0, i).join('/');
      const st = this.lstat(joinUnder(layer, anc));
      if (!st) continue;
      if (!st.isDirectory()) return true;
      if (this.overlayMarks && this.opaqueDirs(layer).has(anc)) return true;
    }
    return false;
  }

  /** The entry at `rel` (no symlink in it is followed), or null. "" is the root. */
  lookup(rel: string): ViewEntry | null {
    const parts = rel === '' ? [] : rel.split('/');
    for (const layer of this.layers) {
      const abs = rel === '' ? layer : joinUnder(layer, rel);
      const st = this.lstat(abs);
      if (st) return isWhiteout(st) && this.overlayMarks ? null : { abs, stat: st };
      if (this.hidesBelow(layer, parts)) return null;
    }
    return null;
  }

  /** Names in the directory `rel`, merged over the layers. */
  list(rel: string): string[] {
    const seen = new Map<string, boolean>();
    const parts = rel === '' ? [] : rel.split('/');
    for (const layer of this.layers) {
      const abs = rel === '' ? layer : joinUnder(layer, rel);
      const st = this.lstat(abs);
      if (st && !st.isDirectory()) break;
      if (st) {
        for (const name of readdirSync(abs)) {
          if (seen.has(name)) continue;
          const child = this.lstat(joinUnder(abs, name));
          if (!child) continue; // gone since the readdir
          seen.set(name, !(this.overlayMarks && isWhiteout(child)));
        }
        if (this.overlayMarks && this.opaqueDirs(layer).has(rel)) break;
      } else if (this.hidesBelow(layer, parts)) break;
    }
    return [...seen]
      .filter(([, visible]) => visible)
      .map(([n]) => n)
      .sort();
  }

  /** `path` with every symlink resolved inside the view (the last one too when `followLast`); "" is the root. */
  resolve(path: string, followLast = true): string {
    const queue = path.split('/').filter((p) => p !== '' && p !== '.');
    const cur: string[] = [];
    let links = 0;
    while (queue.length) {
      const part = queue.shift()!;
      if (part === '..') {
        cur.pop();
        continue;
      }
      const rel = [...cur, part].join('/');
      const entry = this.lookup(rel);
      if (entry?.stat.isSymbolicLink() && (followLast || queue.length > 0)) {
        if (++links > 255) throw new UsageError(`too many levels of symbolic links in ${path}`);
        const target = readlinkSync(entry.abs);
        if (target.startsWith('/')) cur.length = 0;
        queue.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      cur.push(part);
    }
    return cur.join('/');
  }
}
