// docker cp's path rules (docs "docker container cp"): what a SRC/DEST pair means, decided from the types of both
// ends, before a byte is copied. Container paths are relative to its root.
import { posix } from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export interface Source {
  /** The path as given, absolute (container: from its root). */
  path: string;
  /** SRC ends with "/.": the directory's contents, not the directory. */
  contents: boolean;
  /** SRC ends with "/": it must be a directory. */
  mustBeDir: boolean;
}

export function parseSource(raw: string, inContainer: boolean): Source {
  if (raw === '') throw new UsageError('source path must not be empty');
  const path = inContainer && !raw.startsWith('/') ? `/${raw}` : raw;
  const contents = path === '.' || path.endsWith('/.');
  return { path, contents, mustBeDir: contents || path.endsWith('/') };
}

export type Kind = 'dir' | 'file' | 'symlink' | 'other' | 'missing';

/** Where the archive goes: extracted into `dir`; its top entry renamed to `name` ('' = contents only). */
export interface Plan {
  dir: string;
  name: string;
}

/**
 * src: the source's kind (its own, or what it resolves to when SRC names a directory's contents);
 * dest: what DEST resolves to; destParent: what DEST's parent resolves to.
 */
export function planCopy(src: Source, srcKind: Kind, destRaw: string, dest: Kind, destParent: Kind, where: string): Plan {
  if (srcKind === 'missing')
    throw new NotFoundError(`could not find the file ${cell(src.path, 200)} in ${where.startsWith('container') ? where : 'the host'}`);
  const srcIsDir = srcKind === 'dir';
  if (src.mustBeDir && !srcIsDir) throw new UsageError(`source path ${cell(src.path, 200)} is not a directory`);
  const destPath = destRaw.replace(/\/+$/, '') || '/';
  const base = posix.basename(src.path.replace(/\/\.?$/, '').replace(/\/+$/, ''));
  if (dest === 'dir') return { dir: destPath, name: src.contents || base === '' ? '' : base }; // '': the root itself
  if (dest !== 'missing') {
    if (srcIsDir) throw new UsageError(`cannot copy a directory to a file: ${cell(destRaw, 200)}`);
    return { dir: posix.dirname(destPath), name: posix.basename(destPath) };
  }
  if (destRaw.endsWith('/') && !srcIsDir)
    throw new UsageError(`destination directory ${cell(destRaw, 200)} must exist to copy a file into it`);
  if (destParent !== 'dir') throw new NotFoundError(`destination's parent directory does not exist: ${cell(posix.dirname(destPath), 200)}`);
  return { dir: posix.dirname(destPath), name: posix.basename(destPath) };
}
