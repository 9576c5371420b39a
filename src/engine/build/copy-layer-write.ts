// Writing a COPY/ADD plan into the staging dir that becomes the step's layer: files copied with their modes and
// times, the owner of --chown, ADD's archives unpacked through the store's safe extraction.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  lchownSync,
  lutimesSync,
  mkdirSync,
  symlinkSync,
  utimesSync,
  type Stats,
} from 'node:fs';
import { join, posix } from 'node:path';
import { UsageError } from '../../errors.js';
import { extractTar } from '../images/extract-tar.js';
import { archiveKind, type Compression, type CopyPlan } from './copy-layer.js';

function decompressed(path: string, kind: Compression): AsyncIterable<Buffer> {
  if (kind === 'none' || kind === 'gzip') return createReadStream(path) as AsyncIterable<Buffer>; // extractTar gunzips
  return (async function* () {
    // spawned only once extraction reads: node discards a child's unread output when it exits first
    const child = spawn(kind === 'bzip2' ? 'bzip2' : 'xz', ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve, reject) => {
      child.on('close', resolve);
      child.on('error', (err) => reject(new UsageError(`ADD failed: cannot run ${kind}: ${err.message}`)));
    });
    closed.catch(() => {});
    for await (const chunk of child.stdout) yield chunk as Buffer;
    if ((await closed) !== 0)
      throw new UsageError(`ADD failed: ${kind} could not decompress ${posix.basename(path)}: ${stderr.trim().split('\n')[0]}`);
  })();
}

/** Writes the plan into `layer` (a fresh dir that becomes the layer's root). */
export async function writePlan(plan: CopyPlan, layer: string): Promise<void> {
  const { uid, gid } = plan.owner;
  const at = (rel: string) => (rel === '' ? layer : join(layer, rel));
  for (const p of [...plan.newParents].sort()) {
    mkdirSync(at(p), { recursive: true, mode: 0o755 });
    chmodSync(at(p), 0o755);
    lchownSync(at(p), uid, gid);
  }
  const dirTimes: Array<[string, Stats]> = [];
  for (const item of plan.items) {
    const path = at(item.dest);
    const mode = plan.chmod ?? item.stat!.mode & 0o7777;
    if (item.kind === 'dir') {
      mkdirSync(path, { recursive: true, mode: 0o755 });
      lchownSync(path, uid, gid);
      chmodSync(path, mode);
      dirTimes.push([path, item.stat!]);
    } else if (item.kind === 'file') {
      mkdirSync(posix.dirname(path), { recursive: true, mode: 0o755 });
      copyFileSync(item.src!, path);
      lchownSync(path, uid, gid);
      chmodSync(path, mode);
      utimesSync(path, item.stat!.atime, item.stat!.mtime);
    } else if (item.kind === 'symlink') {
      mkdirSync(posix.dirname(path), { recursive: true, mode: 0o755 });
      symlinkSync(item.link!, path);
      lchownSync(path, uid, gid);
      lutimesSync(path, item.stat!.atime, item.stat!.mtime);
    } else {
      const kind = archiveKind(item.src!)!;
      await extractTar(decompressed(item.src!, kind), path, { convertWhiteouts: false, what: `ADD archive ${posix.basename(item.src!)}` });
    }
  }
  for (const [path, st] of dirTimes.reverse()) utimesSync(path, st.atime, st.mtime);
}
