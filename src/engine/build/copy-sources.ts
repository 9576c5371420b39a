// What a COPY or ADD names: each source (after substitution) resolved in the build context or in another stage's
// view, wildcards expanded with filepath.Match rules (within one path component), .dockerignore applied. A source
// that leaves the context (`..`, a symlink pointing out) is refused, never followed.
import { realpathSync } from 'node:fs';
import { posix, relative, sep } from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { IgnoreMatcher } from './dockerignore.js';
import type { MergedView } from './merged-view.js';

export interface SourceRoot {
  view: MergedView;
  /** The build context (a host dir, realpath'd) or null for a stage or image. */
  contextDir: string | null;
  ignore?: IgnoreMatcher;
  /** For messages: "build context" or "stage builder". */
  what: string;
}

export interface CopySource {
  root: SourceRoot;
  /** Path inside the root, resolved ("" is the root itself). */
  rel: string;
  /** Name a file keeps when copied into a directory. */
  name: string;
}

const WILDCARD = /[*?[]/;

/** Go's filepath.Match for one component. */
function componentRegex(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new UsageError(`syntax error in pattern: ${cell(pattern, 100)}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/\\/g, '\\\\');
      re += `[${cls.replace(/^!/, '^')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i];
    else re += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

function cleanSource(raw: string, root: SourceRoot, keyword: string): string {
  const cleaned = posix
    .normalize('/' + raw)
    .slice(1)
    .replace(/\/+$/, '');
  // posix.normalize('/..') is '/': look at the raw text for an escape attempt
  const naive = posix.normalize(raw.replace(/^\/+/, ''));
  if (root.contextDir && (naive === '..' || naive.startsWith('../')))
    throw new UsageError(`${keyword} failed: forbidden path outside the build context: ${cell(raw, 200)}`);
  return cleaned === '.' ? '' : cleaned;
}

function notFound(raw: string, root: SourceRoot, keyword: string): NotFoundError {
  if (root.contextDir)
    return new NotFoundError(
      `${keyword} failed: file not found in build context or excluded by .dockerignore: stat ${cell(raw, 200)}: file does not exist`,
    );
  return new NotFoundError(`${keyword} failed: stat ${cell(raw, 200)} in ${root.what}: file does not exist`);
}

/** In the context: the host's own symlink resolution, and the result must stay inside the context. */
function resolveInContext(rel: string, raw: string, root: SourceRoot, keyword: string): string | null {
  const ctx = root.contextDir!;
  let real: string;
  try {
    real = realpathSync.native(rel === '' ? ctx : `${ctx}/${rel}`); // realpath(3): one call, not an lstat per component
  } catch {
    return null;
  }
  if (real !== ctx && !real.startsWith(ctx + sep))
    throw new UsageError(
      `${keyword} failed: forbidden path outside the build context: ${cell(raw, 200)} (it resolves to ${cell(real, 200)})`,
    );
  return relative(ctx, real).split(sep).join('/');
}

function expandWildcards(root: SourceRoot, pattern: string): string[] {
  let candidates = [''];
  for (const part of pattern.split('/')) {
    if (!WILDCARD.test(part)) {
      candidates = candidates.map((c) => (c ? `${c}/${part}` : part));
      continue;
    }
    const re = componentRegex(part);
    const next: string[] = [];
    for (const dir of candidates) {
      const entry = root.view.lookup(dir);
      if (!entry?.stat.isDirectory()) continue;
      for (const name of root.view.list(dir)) if (re.test(name)) next.push(dir ? `${dir}/${name}` : name);
    }
    candidates = next;
  }
  return candidates.filter((c) => root.view.lookup(c) && !root.ignore?.ignores(c));
}

export function resolveSources(raws: string[], root: SourceRoot, keyword: string): { sources: CopySource[]; wildcard: boolean } {
  const sources: CopySource[] = [];
  let wildcard = false;
  for (const raw of raws) {
    const cleaned = cleanSource(raw, root, keyword);
    const pattern = WILDCARD.test(cleaned);
    if (pattern) wildcard = true;
    const matches = pattern ? expandWildcards(root, cleaned) : [cleaned];
    if (matches.length === 0) throw notFound(raw, root, keyword);
    for (const m of matches) {
      if (root.contextDir && m !== '' && root.ignore?.ignores(m)) throw notFound(raw, root, keyword);
      const rel = root.contextDir ? resolveInContext(m, raw, root, keyword) : root.view.resolve(m);
      if (rel === null || !root.view.lookup(rel)) throw notFound(raw, root, keyword);
      sources.push({ root, rel, name: posix.basename(m) || posix.basename(rel) });
    }
  }
  return { sources, wildcard };
}
