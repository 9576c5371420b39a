// The argument forms of docker's parser: JSON arrays (exec form) or text (shell form), whitespace-delimited
// lists, the quote-aware word split of ENV/LABEL/ARG (quotes and escapes kept for the later substitution), and
// the leading --flag=value options of an instruction.

/** A JSON array of strings, or null when the text is not one (docker then takes the shell form). */
export function parseJsonArray(text: string): string[] | null {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    return null;
  }
  return Array.isArray(parsed) && parsed.every((s) => typeof s === 'string') ? (parsed as string[]) : null;
}

export function splitWhitespace(text: string): string[] {
  return text.trim() === '' ? [] : text.trim().split(/\s+/);
}

/** docker's parseWords: split on whitespace outside quotes; quotes and escape chars stay in the words. */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let blankOK = false;
  let quote = '';
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  const chars = [...rest];
  for (let pos = 0; pos <= chars.length; pos++) {
    const ch = chars[pos];
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (/\s/.test(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (/\s/.test(ch)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === chars.length) continue;
        word += ch + chars[++pos];
        continue;
      }
      word += ch;
      continue;
    }
    // in a quote
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch + chars[++pos];
      continue;
    }
    word += ch;
  }
  return words;
}

export interface FlagSplit {
  flags: Map<string, string | true>;
  rest: string;
}

/** Leading `--name=value` / `--name` options; `--` alone ends them. Values may be double- or single-quoted. */
export function extractFlags(args: string): FlagSplit {
  const flags = new Map<string, string | true>();
  let rest = args.replace(/^\s+/, '');
  for (;;) {
    if (rest === '--' || rest.startsWith('-- ')) return { flags, rest: rest.slice(2).replace(/^\s+/, '') };
    const m = /^--([A-Za-z][\w-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?(?:\s+|$)/.exec(rest);
    if (!m) return { flags, rest };
    let value: string | true = m[2] ?? true;
    if (typeof value === 'string' && /^["']/.test(value)) value = value.slice(1, -1);
    flags.set(m[1].toLowerCase(), value);
    rest = rest.slice(m[0].length);
  }
}
