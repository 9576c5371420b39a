// Logical lines -> typed instructions, with docker's argument rules per instruction and its error messages, each
// naming the line and the instruction. Substitution of variables happens later, at build time (it needs the
// stage's environment); here only the syntax is checked.
import { UsageError } from '../../../errors.js';
import { cell } from '../../../text/sanitize.js';
import { splitLogicalLines, type LogicalLine } from './lines.js';
import { extractFlags, parseJsonArray, parseWords, splitWhitespace } from './words.js';

export type CommandForm = { form: 'exec'; args: string[] } | { form: 'shell'; text: string };

interface Base {
  line: number;
  /** The instruction as written (one line, for Step output, history and cache keys). */
  original: string;
  flags: Map<string, string | true>;
}

export type Instruction = Base &
  (
    | { keyword: 'FROM'; image: string; stageName?: string }
    | { keyword: 'RUN' | 'CMD' | 'ENTRYPOINT'; command: CommandForm }
    | { keyword: 'SHELL'; args: string[] }
    | { keyword: 'COPY' | 'ADD'; sources: string[]; dest: string }
    | { keyword: 'ENV' | 'LABEL'; pairs: Array<[string, string]> }
    | { keyword: 'ARG'; args: Array<{ name: string; value?: string }> }
    | { keyword: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string }
    | { keyword: 'EXPOSE' | 'VOLUME'; values: string[] }
    | { keyword: 'HEALTHCHECK'; command: CommandForm | null }
    | { keyword: 'ONBUILD'; trigger: string }
  );

export interface Dockerfile {
  escape: '\\' | '`';
  directives: Record<string, string>;
  instructions: Instruction[];
}

const ALLOWED_FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod'],
  ADD: ['chown', 'chmod'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const BUILDKIT_ONLY: Record<string, string[]> = {
  RUN: ['mount', 'network', 'security'],
  COPY: ['link', 'parents', 'exclude'],
  ADD: ['link', 'checksum', 'keep-git-dir', 'exclude'],
};
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;
const HEREDOC = /<<-?\s*["']?[A-Za-z_][\w]*["']?/;

class LineError {
  constructor(
    readonly line: LogicalLine,
    readonly keyword: string,
  ) {}
  fail(why: string): never {
    throw new UsageError(`Dockerfile line ${this.line.line}: ${this.keyword}: ${why}`);
  }
}

function commandOf(rest: string): CommandForm {
  const args = parseJsonArray(rest);
  return args ? { form: 'exec', args } : { form: 'shell', text: rest };
}

function nameValues(rest: string, escape: string, err: LineError): Array<[string, string]> {
  const words = parseWords(rest, escape);
  if (words.length === 0) err.fail('requires at least one argument');
  if (!words[0].includes('=')) {
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 2) err.fail('must have two arguments');
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest.trim())!;
    return [[m[1], m[2]]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) err.fail(`Syntax error - can't find = in "${cell(w, 100)}". Must be of the form: name=value`);
    if (eq === 0) err.fail(`a name is required before "=" in "${cell(w, 100)}"`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function checkFlags(keyword: string, flags: Map<string, string | true>, err: LineError): void {
  for (const name of flags.keys()) {
    if (BUILDKIT_ONLY[keyword]?.includes(name)) err.fail(`the --${name} option requires BuildKit, which tctop build does not implement`);
    if (!ALLOWED_FLAGS[keyword]?.includes(name)) err.fail(`unknown flag: --${cell(name, 60)}`);
  }
}

export function parseInstruction(line: LogicalLine, escape: string, inOnbuild = false): Instruction {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(line.text)!;
  const keyword = m[1].toUpperCase();
  const err = new LineError(line, keyword);
  const { flags, rest: afterFlags } = extractFlags(m[2]);
  const rest = afterFlags.replace(/\s+$/, '');
  const original = `${keyword} ${m[2].trim()}`.trim();
  const base = { line: line.line, original, flags };
  checkFlags(keyword, flags, err);
  const needArgs = () => rest === '' && err.fail('requires at least one argument');
  switch (keyword) {
    case 'FROM': {
      const words = splitWhitespace(rest);
      if (words.length !== 1 && !(words.length === 3 && words[1].toLowerCase() === 'as'))
        err.fail('requires either one or three arguments (FROM image [AS name])');
      const stageName = words[2]?.toLowerCase();
      if (stageName !== undefined && !STAGE_NAME.test(stageName))
        err.fail(`invalid name for build stage: "${cell(words[2], 100)}", name can't start with a number or contain symbols`);
      return { ...base, keyword, image: words[0], stageName };
    }
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT': {
      if (keyword === 'RUN') needArgs();
      const command = commandOf(rest);
      if (keyword === 'RUN' && command.form === 'shell' && HEREDOC.test(rest))
        err.fail('heredocs (<<EOF) are not supported by tctop build');
      return { ...base, keyword, command };
    }
    case 'SHELL': {
      const args = parseJsonArray(rest);
      if (!args || args.length === 0) return err.fail('requires the arguments to be in JSON form, e.g. SHELL ["/bin/sh", "-c"]');
      return { ...base, keyword, args };
    }
    case 'COPY':
    case 'ADD': {
      if (HEREDOC.test(rest) && !parseJsonArray(rest)) err.fail('heredocs (<<EOF) are not supported by tctop build');
      const args = parseJsonArray(rest) ?? splitWhitespace(rest);
      if (args.length < 2) err.fail('requires at least two arguments, but got ' + args.length);
      return { ...base, keyword, sources: args.slice(0, -1), dest: args[args.length - 1] };
    }
    case 'ENV':
    case 'LABEL':
      return { ...base, keyword, pairs: nameValues(rest, escape, err) };
    case 'ARG': {
      const words = parseWords(rest, escape);
      if (words.length === 0) err.fail('requires at least one argument');
      return {
        ...base,
        keyword,
        args: words.map((w) => {
          const eq = w.indexOf('=');
          if (eq === 0) err.fail(`a name is required before "=" in "${cell(w, 100)}"`);
          return eq < 0 ? { name: w } : { name: w.slice(0, eq), value: w.slice(eq + 1) };
        }),
      };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      if (rest === '') err.fail('requires exactly one argument');
      return { ...base, keyword, value: rest };
    case 'EXPOSE':
      needArgs();
      return { ...base, keyword, values: splitWhitespace(rest) };
    case 'VOLUME':
      needArgs();
      return { ...base, keyword, values: parseJsonArray(rest) ?? splitWhitespace(rest) };
    case 'HEALTHCHECK': {
      const words = splitWhitespace(rest);
      const kind = words[0]?.toUpperCase();
      if (kind === 'NONE') {
        if (words.length > 1 || flags.size) err.fail('HEALTHCHECK NONE takes no other arguments');
        return { ...base, keyword, command: null };
      }
      if (kind !== 'CMD') err.fail('requires CMD or NONE (HEALTHCHECK [OPTIONS] CMD command)');
      const cmd = rest.replace(/^\s*\S+\s*/, '');
      if (cmd === '') err.fail('HEALTHCHECK CMD requires a command');
      return { ...base, keyword, command: commandOf(cmd) };
    }
    case 'ONBUILD': {
      if (inOnbuild) err.fail("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      needArgs();
      const inner = parseInstruction({ line: line.line, text: rest }, escape, true);
      if (inner.keyword === 'FROM' || inner.keyword === 'MAINTAINER') err.fail(`${inner.keyword} isn't allowed as an ONBUILD trigger`);
      return { ...base, keyword, trigger: rest.trim() };
    }
    default:
      throw new UsageError(`Dockerfile line ${line.line}: unknown instruction: ${cell(m[1], 60)}`);
  }
}

export function parseDockerfile(source: string): Dockerfile {
  const { escape, directives, lines } = splitLogicalLines(source);
  const instructions = lines.map((l) => parseInstruction(l, escape));
  if (instructions.length === 0) throw new UsageError('the Dockerfile (empty) has no instructions');
  const first = instructions.find((i) => i.keyword !== 'ARG');
  if (first?.keyword !== 'FROM') {
    const at = first ?? instructions[0];
    throw new UsageError(
      `Dockerfile line ${at.line}: ${at.keyword}: no build stage in current context (the first instruction must be FROM, after optional ARGs)`,
    );
  }
  return { escape, directives, instructions };
}

/** The instruction type of one keyword (a member may cover several keywords, which Extract cannot narrow). */
export type InstructionOf<K extends Instruction['keyword']> = Instruction & { keyword: K };
