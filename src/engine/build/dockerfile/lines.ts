// A Dockerfile's text as docker's parser reads it: parser directives at the top (`# escape=`, `# syntax=`),
// comment lines dropped (inside continuations too), an escape char at the end of a line continuing it, empty
// continuation lines skipped. Each logical line keeps the number of the line it started on.
import { UsageError } from '../../../errors.js';

export interface LogicalLine {
  /** 1-based line where the instruction starts. */
  line: number;
  text: string;
}

export interface DockerfileText {
  escape: '\\' | '`';
  directives: Record<string, string>;
  lines: LogicalLine[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);

function readDirectives(raw: string[]): { directives: Record<string, string>; escape: '\\' | '`' } {
  const directives: Record<string, string> = {};
  for (const [i, line] of raw.entries()) {
    const m = DIRECTIVE.exec(line.trim());
    if (!m) break; // a blank line, a plain comment or an instruction ends the directives
    const name = m[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name)) break; // an unknown directive is a comment, and so ends them
    if (name in directives) throw new UsageError(`Dockerfile line ${i + 1}: only one ${name} parser directive can be used`);
    directives[name] = m[2];
  }
  const escape = directives.escape ?? '\\';
  if (escape !== '\\' && escape !== '`') throw new UsageError(`Dockerfile: invalid escape token '${escape}': it must be \` or \\`);
  return { directives, escape };
}

export function splitLogicalLines(source: string): DockerfileText {
  const raw = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { directives, escape } = readDirectives(raw);
  const continuation = new RegExp(`\\${escape}[ \\t]*$`);
  const isComment = (l: string) => /^\s*#/.test(l);
  const lines: LogicalLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const first = raw[i].replace(/^\s+/, '');
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let text = first;
    let open = continuation.test(text);
    if (open) text = text.replace(continuation, '');
    while (open && i + 1 < raw.length) {
      const next = raw[++i];
      if (isComment(next)) continue;
      if (next.trim() === '') continue;
      open = continuation.test(next);
      text += open ? next.replace(continuation, '') : next;
    }
    if (text.trim() !== '') lines.push({ line: start, text });
  }
  return { escape, directives, lines };
}
