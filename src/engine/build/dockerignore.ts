// .dockerignore as docker reads it (moby's patternmatcher): one pattern a line, `#` comments, paths cleaned and
// relative to the context, `*` `?` `[...]` within one path component, `**` across any number of them, `!` an
// exception; the last pattern that matches a path (or one of its parent directories) decides.
import { posix } from 'node:path';

interface Pattern {
  exclusion: boolean;
  regex: RegExp;
  /** Number of path components, to match a parent directory of the same depth. */
  depth: number;
}

export function readIgnorePatterns(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('#')) continue;
    let pattern = raw.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = posix.normalize(pattern).replace(/\/+$/, '') || '/';
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  }
  return out;
}

const REGEX_SPECIAL = /[.$^+(){}|]/;

function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '\\') {
      if (i + 1 < pattern.length) re += '\\' + pattern[++i];
      else re += '\\\\';
    } else if (REGEX_SPECIAL.test(ch)) re += '\\' + ch;
    else re += ch;
  }
  try {
    return new RegExp(re + '$', 's');
  } catch {
    return /(?!)/; // a malformed class matches nothing (docker reports it; we stay permissive)
  }
}

export class IgnoreMatcher {
  private readonly patterns: Pattern[];

  constructor(patterns: string[]) {
    this.patterns = patterns
      .filter((p) => p !== '' && p !== '!')
      .map((p) => {
        const exclusion = p.startsWith('!');
        const body = exclusion ? p.slice(1) : p;
        return { exclusion, regex: compile(body), depth: body.split('/').length };
      });
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Any exception patterns: an excluded directory may still hold included files. */
  get hasExceptions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  /** Whether `rel` (slash-separated, relative to the context) is left out of the context. */
  ignores(rel: string): boolean {
    const parts = rel.split('/');
    let matched = false;
    for (const p of this.patterns) {
      let match = p.regex.test(rel);
      if (!match && parts.length > 1 && p.depth < parts.length) match = p.regex.test(parts.slice(0, p.depth).join('/'));
      if (match) matched = !p.exclusion;
    }
    return matched;
  }
}
