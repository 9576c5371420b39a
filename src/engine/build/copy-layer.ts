// COPY/ADD as docker's builder does them: a directory's contents go into the destination, a file goes into it when
// the destination is a directory (a trailing slash, or one in the image), else becomes it; ADD unpacks a local
// tar (plain, gzip, bzip2, xz). The plan is listed and hashed here (the cache key: every path, type, mode, owner,
// link and content, not times); only on a cache miss is it written (copy-layer-write.ts).
import { closeSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { UsageError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';
import type { CopySource } from './copy-sources.js';
import { FileDigests } from './file-digests.js';
import type { MergedView } from './merged-view.js';
import { MEMO_INPUT_MAX, Sha256Memo } from './sha256-memo.js';

// on first use: a fully cached build finds its digests in the memo and never loads node:crypto
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

export interface CopyOwner {
  uid: number;
  gid: number;
}

export interface PlanItem {
  /** Path inside the layer. */
  dest: string;
  kind: 'dir' | 'file' | 'symlink' | 'archive';
  src?: string;
  stat?: Stats;
  link?: string;
}

export interface CopyPlan {
  items: PlanItem[];
  /** Directories above the destination that the stage does not have yet (created 0755 with the owner). */
  newParents: Set<string>;
  owner: CopyOwner;
  chmod?: number;
}

export type Compression = 'gzip' | 'bzip2' | 'xz' | 'none';

export function archiveKind(path: string): Compression | null {
  const head = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (n >= 3 && head.subarray(0, 3).toString() === 'BZh') return 'bzip2';
  if (n >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (n >= 263 && head.subarray(257, 262).toString() === 'ustar') return 'none';
  return null;
}

export interface PlanRequest {
  sources: CopySource[];
  /** Absolute destination inside the stage, as written (a trailing slash means a directory). */
  dest: string;
  multiple: boolean;
  stageView: MergedView;
  owner: CopyOwner;
  chmod?: number;
  add: boolean;
  keyword: string;
}

export function planCopy(req: PlanRequest): CopyPlan {
  if (req.multiple && !req.dest.endsWith('/'))
    throw new UsageError(`When using ${req.keyword} with more than one source file, the destination must be a directory and end with a /`);
  const destDir = req.stageView.resolve(req.dest);
  const existing = req.stageView.lookup(destDir);
  const destIsDir = req.dest.endsWith('/') || !!existing?.stat.isDirectory();
  const items: PlanItem[] = [];
  const newParents = new Set<string>();
  const addParents = (rel: string) => {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      if (!req.stageView.lookup(p)) newParents.add(p);
    }
  };
  for (const source of req.sources) {
    const entry = source.root.view.lookup(source.rel)!;
    if (entry.stat.isDirectory()) {
      if (destDir) {
        addParents(destDir + '/x');
        items.push({ dest: destDir, kind: 'dir', src: entry.abs, stat: entry.stat });
      }
      walk(source, source.rel, destDir, items);
      continue;
    }
    if (req.add && entry.stat.isFile()) {
      const kind = archiveKind(entry.abs);
      if (kind) {
        if (destDir) addParents(destDir + '/x');
        items.push({ dest: destDir, kind: 'archive', src: entry.abs, stat: entry.stat });
        continue;
      }
    }
    const target = destIsDir ? posix.join(destDir, source.name) : destDir;
    if (target === '') throw new UsageError(`${req.keyword} failed: cannot copy a file onto /`);
    addParents(target);
    items.push(itemOf(target, entry.abs, entry.stat));
  }
  return { items, newParents, owner: req.owner, chmod: req.chmod };
}

function itemOf(dest: string, abs: string, stat: Stats): PlanItem {
  if (stat.isSymbolicLink()) return { dest, kind: 'symlink', src: abs, stat, link: readlinkSync(abs) };
  if (stat.isDirectory()) return { dest, kind: 'dir', src: abs, stat };
  return { dest, kind: 'file', src: abs, stat };
}

function walk(source: CopySource, rel: string, dest: string, items: PlanItem[]): void {
  const { view, ignore, contextDir } = source.root;
  for (const name of view.list(rel)) {
    const childRel = rel ? `${rel}/${name}` : name;
    const childDest = dest ? `${dest}/${name}` : name;
    const excluded = contextDir && ignore ? ignore.ignores(childRel) : false;
    const entry = view.lookup(childRel);
    if (!entry) continue;
    const st = entry.stat;
    if (st.isDirectory()) {
      if (excluded && !ignore?.hasExceptions) continue;
      const at = items.length;
      if (!excluded) items.push(itemOf(childDest, entry.abs, st));
      walk(source, childRel, childDest, items);
      // an excluded dir is still made when an exception inside it is copied
      if (excluded && items.length > at) items.splice(at, 0, itemOf(childDest, entry.abs, st));
    } else if (!excluded && (st.isFile() || st.isSymbolicLink())) items.push(itemOf(childDest, entry.abs, st));
  }
}

/** Files up to this size are read synchronously: a stream's set-up and its trips through the thread pool cost more
 * than reading a small file (the usual context is many small files); larger ones stream, so a long hash never holds
 * the event loop (a SIGINT is still seen). */
const SYNC_HASH_MAX = 1 << 20;

/** One buffer for every small file's bytes: readFileSync would fstat each file and allocate its buffer anew. */
let readBuffer: Buffer | undefined;

/** Reads the open file from its start into readBuffer: its length, or -1 when it does not fit (it grew since). */
function readWhole(fd: number): number {
  const buf = (readBuffer ??= Buffer.allocUnsafe(MEMO_INPUT_MAX));
  let n = 0;
  for (let r = readSync(fd, buf, 0, buf.length, 0); r > 0; r = readSync(fd, buf, n, buf.length - n, n)) {
    n += r;
    if (n === buf.length) return readSync(fd, Buffer.alloc(1), 0, 1, n) === 0 ? n : -1;
  }
  return n;
}

/** sha256 hex of the file's bytes to its end, whatever its size has become since the plan's lstat. */
async function readHash(path: string, size: number, memo: Sha256Memo): Promise<string> {
  if (size > SYNC_HASH_MAX) {
    const hash = crypto().createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
  const fd = openSync(path, 'r');
  try {
    if (size <= MEMO_INPUT_MAX) {
      const n = readWhole(fd);
      if (n >= 0) return memo.digest(readBuffer!.subarray(0, n)).slice(7); // a small file: its digest may be known
    }
    const hash = crypto().createHash('sha256');
    const buf = Buffer.allocUnsafe(64 << 10);
    for (let at = 0, n = readSync(fd, buf, 0, buf.length, at); n > 0; n = readSync(fd, buf, 0, buf.length, (at += n))) {
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** The file's digest: known from its unchanged lstat (file-digests.ts), else read, and kept for the next build. */
async function fileHash(path: string, st: Stats | undefined, memo: Sha256Memo, files: FileDigests): Promise<string> {
  const known = st && files.get(path, st);
  if (known) return known;
  const readAt = Date.now();
  const hex = await readHash(path, st?.size ?? Infinity, memo);
  if (st) files.set(path, st, hex, readAt);
  return hex;
}

/** What the cache key of this copy is made of: never times, always content. `memo`, `files`: digests already known. */
export async function hashPlan(plan: CopyPlan, memo = Sha256Memo.none(), files = FileDigests.none()): Promise<string> {
  let text = `owner ${plan.owner.uid}:${plan.owner.gid} chmod ${plan.chmod ?? '-'}\n`;
  for (const p of [...plan.newParents].sort()) text += `parent ${p}\n`;
  for (const item of plan.items) {
    const mode = item.stat ? item.stat.mode & 0o7777 : 0;
    const content = item.kind === 'file' || item.kind === 'archive' ? await fileHash(item.src!, item.stat, memo, files) : (item.link ?? '');
    text += `${item.kind} ${JSON.stringify(item.dest)} ${mode.toString(8)} ${content}\n`;
  }
  return memo.digest(text).slice(7);
}
