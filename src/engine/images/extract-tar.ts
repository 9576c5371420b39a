// Safe extraction of one tar (a layer, or an outer image archive) into a fresh directory. node-tar parses and writes
// files, directories and hardlinks; LayerEntryPolicy refuses hostile entries before they are written. Symlinks are
// created only afterwards, by our own pass, so nothing is ever written through one. That pass also restores what
// node-tar does not (exact modes incl. setuid after chown, owners, directory mtimes, xattrs) and adds overlay whiteouts.
import { once } from 'node:events';
import { chmodSync, chownSync, lchownSync, lutimesSync, mkdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Unpack, type ReadEntry } from 'tar';
import { errnoOf, UsageError } from '../../errors.js';
import { LayerEntryPolicy, type KeptEntry, type TarEntryHeader } from './entry-policy.js';
import { makeFifos, makeWhiteoutDevices, markOpaque, restoreXattrs, type XattrTarget } from './overlay-marks.js';
import { PaxXattrScanner } from './pax-xattrs.js';
import { newDigests, tarBytes } from './tar-source.js';

export interface ExtractOptions {
  convertWhiteouts: boolean;
  /** Names the archive in error messages ("layer sha256:ab12..", "archive x.tar"). */
  what: string;
}

export interface ExtractResult {
  /** sha256:<hex> of the uncompressed tar (diff_id). */
  diffId: string;
  /** sha256:<hex> of the bytes as read (the blob digest of a compressed layer). */
  rawDigest: string;
  tarBytes: number;
  /** Bytes of regular file content once extracted. */
  contentBytes: number;
}

const FATAL_WARNINGS = new Set(['TAR_ENTRY_ERROR', 'TAR_ENTRY_INVALID', 'TAR_ENTRY_UNSUPPORTED', 'TAR_BAD_ARCHIVE', 'TAR_ABORT']);
const isRoot = process.getuid?.() === 0;

export async function extractTar(input: AsyncIterable<Buffer>, dest: string, options: ExtractOptions): Promise<ExtractResult> {
  await mkdir(dest, { recursive: true, mode: 0o755 });
  const policy = new LayerEntryPolicy({ convertWhiteouts: options.convertWhiteouts });
  let failure: Error | undefined;
  let sawEnd = false;
  const xattrScanner = new PaxXattrScanner();
  const xattrTargets: XattrTarget[] = [];
  let entryIndex = 0;
  const unpack = new Unpack({
    cwd: dest,
    preserveOwner: isRoot,
    unlink: true,
    maxDepth: 256,
    filter: (_path, stat) => {
      if (failure) return false;
      const entry = stat as ReadEntry;
      const index = entryIndex++;
      try {
        const header: TarEntryHeader = {
          path: entry.path,
          type: entry.type,
          linkpath: entry.linkpath,
          mode: entry.mode,
          uid: entry.uid,
          gid: entry.gid,
          mtime: entry.mtime,
          size: entry.size,
          devmaj: entry.header.devmaj,
          devmin: entry.header.devmin,
        };
        const decision = policy.decide(header);
        const xattrs = xattrScanner.byEntry.get(index);
        // not on hardlinks (they share the target's inode) nor symlinks (Linux refuses user.* there)
        if (xattrs && decision.action === 'extract' && decision.entry.kind !== 'hardlink')
          xattrTargets.push({ rel: decision.entry.rel, xattrs });
        return decision.action === 'extract';
      } catch (err) {
        failure = err as Error;
        return false;
      }
    },
    onwarn: (code, message) => {
      if (!failure && FATAL_WARNINGS.has(code)) failure = tarWarning(code, message, options.what);
    },
  });
  unpack.on('eof', () => (sawEnd = true));
  const done = new Promise<void>((resolve, reject) => {
    unpack.on('finish', resolve);
    // node-tar raises unrecoverable warnings (not a tar, truncated) as errors
    unpack.on('error', (err: Error & { code?: string }) =>
      reject(err.code?.startsWith('TAR_') ? tarWarning(err.code, err, options.what) : err),
    );
  });
  done.catch(() => {}); // observed below; avoids an unhandled rejection while we are still writing

  const digests = newDigests();
  for await (const chunk of tarBytes(input, digests, options.what)) {
    if (failure) continue; // keep reading so the digests and the source finish, write nothing more
    xattrScanner.write(chunk); // before node-tar sees the bytes, so an entry's xattrs are known at its filter call
    if (!unpack.write(chunk)) await Promise.race([once(unpack, 'drain'), done]);
  }
  unpack.end();
  await done;
  if (failure) throw failure;
  if (!sawEnd) throw new UsageError(`refusing archive: ${options.what} is truncated (no end-of-archive marker)`);

  finishEntries(dest, policy);
  if (xattrTargets.length) restoreXattrs(dest, xattrTargets);
  return {
    diffId: 'sha256:' + digests.tar.digest('hex'),
    rawDigest: 'sha256:' + digests.raw.digest('hex'),
    tarBytes: digests.tarBytes,
    contentBytes: policy.contentBytes,
  };
}

function tarWarning(code: string, message: string | Error, what: string): UsageError {
  const text = (message instanceof Error ? message.message : message).replace(/^TAR_\w+: /, '');
  if (code === 'TAR_BAD_ARCHIVE' && /Unrecognized/.test(text)) return new UsageError(`refusing archive: ${what} is not a tar archive`);
  if (code === 'TAR_BAD_ARCHIVE') return new UsageError(`refusing archive: ${what} is truncated (${text})`);
  return new UsageError(`refusing archive: ${what}: ${text}`);
}

// Synchronous on purpose: thousands of tiny metadata calls, each a thread-pool round trip when done async.
function finishEntries(dest: string, policy: LayerEntryPolicy): void {
  const abs = (rel: string) => (rel === '' ? dest : join(dest, rel));
  const kept = [...policy.kept.values()];

  const fifos = kept.filter((e) => e.kind === 'fifo');
  if (fifos.length) makeFifos(fifos.map((e) => abs(e.rel)));

  for (const entry of kept) {
    const path = abs(entry.rel);
    if (entry.kind === 'symlink') {
      try {
        symlinkSync(entry.linkpath ?? '', path);
      } catch (err) {
        if (errnoOf(err) !== 'EEXIST') throw err;
        rmSync(path, { force: true }); // an earlier entry of the same name
        symlinkSync(entry.linkpath ?? '', path);
      }
      if (isRoot) lchownSync(path, entry.uid ?? 0, entry.gid ?? 0);
      if (entry.mtime) lutimesSync(path, entry.mtime, entry.mtime);
    } else if (entry.kind !== 'hardlink') {
      if (isRoot && entry.kind === 'fifo') chownSync(path, entry.uid ?? 0, entry.gid ?? 0);
      // after node-tar's chown, which clears setuid/setgid; and independent of the process umask
      if (entry.mode !== undefined) chmodSync(path, entry.mode & 0o7777);
      if (entry.kind !== 'dir' && entry.mtime) utimesSync(path, entry.mtime, entry.mtime);
    }
  }

  for (const rel of policy.opaqueDirs) mkdirSync(abs(rel), { recursive: true, mode: 0o755 });
  for (const rel of policy.whiteouts)
    mkdirSync(abs(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : ''), { recursive: true, mode: 0o755 });
  if (policy.whiteouts.length) makeWhiteoutDevices(policy.whiteouts.map(abs));
  if (policy.opaqueDirs.length) markOpaque(policy.opaqueDirs.map(abs));

  // Directory times last, deepest first: writing into a directory moves its mtime.
  const dirs = kept.filter((e): e is KeptEntry & { mtime: Date } => e.kind === 'dir' && !!e.mtime);
  dirs.sort((a, b) => depth(b.rel) - depth(a.rel));
  for (const dir of dirs) utimesSync(abs(dir.rel), dir.mtime, dir.mtime);
}

function depth(rel: string): number {
  return rel === '' ? 0 : rel.split('/').length;
}
