// Docker's word processing for the instructions it substitutes (FROM, COPY, ADD, ENV, LABEL, ARG, EXPOSE, VOLUME,
// USER, WORKDIR, STOPSIGNAL): quotes removed, the escape char honoured, $VAR and ${VAR} replaced, with the
// ${VAR:-word} ${VAR-word} ${VAR:+word} ${VAR+word} ${VAR:?msg} ${VAR?msg} modifiers. Unset variables are empty.
import { UsageError } from '../../../errors.js';

export type Env = ReadonlyMap<string, string>;

class Lexer {
  pos = 0;
  constructor(
    private readonly src: string,
    private readonly env: Env,
    private readonly escape: string,
  ) {}

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  /** Words of the text (split on unquoted whitespace) when `split`, else the whole text as one word. */
  run(split: boolean): string[] {
    const words: string[] = [];
    let word = '';
    let inWord = false;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (split && /\s/.test(ch)) {
        this.pos++;
        if (inWord) words.push(word);
        word = '';
        inWord = false;
        continue;
      }
      inWord = true;
      word += this.unit(undefined);
    }
    if (inWord || (!split && words.length === 0)) words.push(word);
    return words;
  }

  /** One character, quoted string or expansion, unquoted; `stop` ends a ${...} word. */
  private unit(stop: string | undefined): string {
    const ch = this.src[this.pos++];
    if (ch === this.escape) {
      const next = this.src[this.pos++];
      return next ?? '';
    }
    if (ch === "'") return this.singleQuoted();
    if (ch === '"') return this.doubleQuoted();
    if (ch === '$') return this.dollar();
    void stop;
    return ch;
  }

  private singleQuoted(): string {
    const end = this.src.indexOf("'", this.pos);
    if (end < 0) throw new UsageError('unexpected end of statement while looking for matching single-quote');
    const out = this.src.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private doubleQuoted(): string {
    let out = '';
    for (;;) {
      const ch = this.src[this.pos++];
      if (ch === undefined) throw new UsageError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') return out;
      if (ch === '$') out += this.dollar();
      else if (ch === this.escape) {
        const next = this.peek();
        if (next === undefined) continue;
        if (next === '"' || next === '$' || next === this.escape) {
          out += next;
          this.pos++;
        } else out += ch;
      } else out += ch;
    }
  }

  private name(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(this.src.slice(this.pos));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  /** The word of a ${VAR:-word}, up to the closing brace, itself processed. */
  private braceWord(): string {
    let out = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new UsageError("missing '}' in a ${...} expansion");
      if (ch === '}') {
        this.pos++;
        return out;
      }
      out += this.unit('}');
    }
  }

  private dollar(): string {
    if (this.peek() !== '{') {
      const name = this.name();
      return name ? (this.env.get(name) ?? '') : '$';
    }
    this.pos++;
    const name = this.name();
    if (!name) throw new UsageError(`bad substitution: \${${this.src.slice(this.pos, this.pos + 20)}`);
    const value = this.env.get(name);
    if (this.peek() === '}') {
      this.pos++;
      return value ?? '';
    }
    const colon = this.peek() === ':';
    if (colon) this.pos++;
    const op = this.src[this.pos++];
    if (op !== '-' && op !== '+' && op !== '?')
      throw new UsageError(`unsupported modifier (${colon ? ':' : ''}${op ?? ''}) in \${${name}}`);
    const word = this.braceWord();
    const unset = value === undefined || (colon && value === '');
    if (op === '-') return unset ? word : value!;
    if (op === '+') return unset ? '' : word;
    if (unset) throw new UsageError(`${name}: ${word || 'is not allowed to be unset'}`);
    return value!;
  }
}

/** The whole text as one word: quotes removed, variables replaced. */
export function processWord(text: string, env: Env, escape = '\\'): string {
  return new Lexer(text, env, escape).run(false)[0];
}

/** The text split into words on unquoted whitespace, each processed. */
export function processWords(text: string, env: Env, escape = '\\'): string[] {
  return new Lexer(text, env, escape).run(true);
}

/** Env entries ("K=V") as the lexer's lookup; a later entry wins, as the config's Env is kept. */
export function envMap(...lists: string[][]): Map<string, string> {
  const map = new Map<string, string>();
  for (const list of lists) {
    for (const entry of list) {
      const eq = entry.indexOf('=');
      if (eq > 0) map.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return map;
}
