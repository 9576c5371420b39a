// docker cp, both ways. The container side is always the confined helper (fs-helper.ts); the host side is the
// user's own filesystem, read and written with node-tar (which refuses absolute and ".." names and never extracts
// through a symlink), owned by the invoking user as docker's CLI does.
import { lstatSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { NativeError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import { parseSource, planCopy, type Kind } from './cp-paths.js';
import { helperDone, statInContainer, withContainerFs } from './fs-helper.js';

function hostKind(path: string, follow: boolean): Kind {
  try {
    const st = follow ? statSync(path) : lstatSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  } catch {
    return 'missing';
  }
}

/** "/data/." and "/data/" name the directory itself: how it is renamed is the plan's business. */
function packPath(path: string): string {
  return path.replace(/\/\.$/, '').replace(/(.)\/+$/, '$1') || '/';
}

/** Defence in depth on the host side: never an absolute name or a ".." component. */
function safeName(path: string): boolean {
  return !path.startsWith('/') && !path.split('/').includes('..');
}

/** The helper's own error wins: the stream side only sees a cut-off archive. */
async function settleBoth(helper: Promise<void>, stream: Promise<void>, stop: () => void, what: string): Promise<void> {
  const [h, s] = await Promise.allSettled([
    helper,
    stream.catch((e) => {
      stop();
      throw e;
    }),
  ]);
  if (h.status === 'rejected') throw h.reason;
  if (s.status === 'rejected') throw new NativeError(`${what}: ${cell((s.reason as Error).message, 200)}`);
}

export interface CopyOptions {
  /** -a: keep the archive's uid/gid in the container (default: the container's root owns what is copied in). */
  archive: boolean;
  /** -L: follow the source if it is a symlink (the container's resolved inside its root). */
  follow: boolean;
}

/** cp CONTAINER:SRC DEST ("-": a tar on stdout). */
export async function copyFromContainer(
  root: string,
  id: string,
  name: string,
  srcRaw: string,
  dest: string,
  opts: CopyOptions,
): Promise<void> {
  const src = parseSource(srcRaw, true);
  await withContainerFs(root, id, async (run) => {
    const kinds = await statInContainer(run, src.path);
    const srcKind = (src.mustBeDir || opts.follow ? kinds.resolved : kinds.own) as Kind;
    const follow = opts.follow ? ['--follow'] : [];
    if (dest === '-') {
      if (srcKind === 'missing') throw new NativeError(`could not find the file ${cell(src.path, 200)} in container ${cell(name, 100)}`);
      const base = posix.basename(src.path.replace(/\/\.?$/, '')) || '.';
      const child = run(['pack', ...follow, packPath(src.path), src.contents ? '.' : base], ['ignore', 'inherit', 'pipe']);
      return helperDone(child, `copy from ${cell(name, 100)}`);
    }
    const plan = planCopy(
      src,
      srcKind,
      dest,
      hostKind(dest, true),
      hostKind(posix.dirname(dest.replace(/\/+$/, '') || '/'), true),
      `container ${cell(name, 100)}`,
    );
    const child = run(['pack', ...follow, packPath(src.path), plan.name], ['ignore', 'pipe', 'pipe']);
    const done = helperDone(child, `copy from ${cell(name, 100)}`);
    // symlinks arrive verbatim (absolute or ".." targets included, as docker cp copies them): the helper's walk
    // never emits an entry below a symlink, and names are directory entries, so nothing lands outside plan.dir
    const extract = pipeline(
      child.stdout!,
      tar.x({ cwd: plan.dir, preserveOwner: false, preservePaths: true, strict: true, filter: safeName }),
    );
    await settleBoth(done, extract, () => child.kill(), `cannot write ${cell(dest, 200)}`);
  });
}

/** cp SRC CONTAINER:DEST ("-": a tar from stdin, extracted into the directory DEST). */
export async function copyToContainer(
  root: string,
  id: string,
  name: string,
  srcRaw: string,
  destRaw: string,
  opts: CopyOptions,
): Promise<void> {
  const dest = destRaw.startsWith('/') ? destRaw : `/${destRaw}`;
  const owner = opts.archive ? ['--keep-owner'] : [];
  await withContainerFs(root, id, async (run) => {
    const destKinds = await statInContainer(run, dest);
    if (srcRaw === '-') {
      if (destKinds.resolved !== 'dir')
        throw new UsageError(`destination "${cell(dest, 200)}" must be a directory in container ${cell(name, 100)}`);
      return helperDone(run(['unpack', ...owner, dest], ['inherit', 'ignore', 'pipe']), `copy into ${cell(name, 100)}`);
    }
    const src = parseSource(srcRaw, false);
    const srcKind = hostKind(src.path, src.mustBeDir || opts.follow);
    const parentKinds =
      destKinds.resolved === 'missing' ? await statInContainer(run, posix.dirname(dest.replace(/\/+$/, '') || '/')) : { resolved: 'dir' };
    const plan = planCopy(src, srcKind, dest, destKinds.resolved as Kind, parentKinds.resolved as Kind, 'the host');
    const srcDir = posix.dirname(src.path.replace(/\/\.?$/, '').replace(/\/+$/, '') || '/');
    const srcBase = posix.basename(src.path.replace(/\/\.?$/, '').replace(/\/+$/, ''));
    // contents into an existing directory: the directory's entries as "./x"; otherwise its basename, renamed
    const [cwd, entries, rename] =
      plan.name === '' ? [src.path, ['.'], []] : [srcDir, [srcBase], srcBase === plan.name ? [] : ['--rename', srcBase, plan.name]];
    const child = run(['unpack', ...owner, ...rename, plan.dir], ['pipe', 'ignore', 'pipe']);
    const done = helperDone(child, `copy into ${cell(name, 100)}`);
    const pack = pipeline(tar.c({ cwd, portable: !opts.archive, follow: opts.follow }, entries), child.stdin!);
    await settleBoth(done, pack, () => child.kill(), `cannot read ${cell(srcRaw, 200)}`);
  });
}
