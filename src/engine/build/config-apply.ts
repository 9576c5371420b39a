// The metadata instructions (CMD ENTRYPOINT ENV LABEL EXPOSE VOLUME USER WORKDIR STOPSIGNAL HEALTHCHECK SHELL ONBUILD
// MAINTAINER) applied to an image's container config as docker's builder does, with variable substitution in
// the ones docker substitutes. Shared by `build` and `commit -c`.
import { posix } from 'node:path';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { CommandForm, Instruction, InstructionOf } from './dockerfile/parse.js';
import { processWord, processWords, type Env } from './dockerfile/shell-lex.js';

export interface Healthcheck {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The `config` object of an image config (docker's container config fields). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Cmd?: string[] | null;
  Healthcheck?: Healthcheck;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Shell?: string[];
  [key: string]: unknown;
}

export interface ApplyContext {
  /** What ${VAR} sees: the stage's ENV and the ARGs declared so far. */
  env: Env;
  escape: string;
  /** Whether CMD was set in this stage (ENTRYPOINT then keeps it; otherwise ENTRYPOINT clears an inherited CMD). */
  cmdSet: boolean;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export function commandArgs(command: CommandForm, shell: string[] | undefined): string[] {
  return command.form === 'exec' ? command.args : [...(shell?.length ? shell : DEFAULT_SHELL), command.text];
}

function setEnv(env: string[], key: string, value: string): string[] {
  const entry = `${key}=${value}`;
  const at = env.findIndex((e) => e.slice(0, e.indexOf('=')) === key);
  if (at < 0) return [...env, entry];
  const out = [...env];
  out[at] = entry;
  return out;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("30s", "1m30s", "500ms") in nanoseconds. */
export function parseDuration(text: string, what: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new UsageError(`${what}: invalid duration "${cell(text, 40)}"`);
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (pos === 0) throw new UsageError(`${what}: invalid duration "${cell(text, 40)}"`);
  return Math.round(total);
}

function exposedPorts(specs: string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) throw new UsageError(`invalid containerPort: ${cell(spec, 60)}`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from < 1 || to > 65535 || to < from) throw new UsageError(`invalid port range: ${cell(spec, 60)}`);
    for (let p = from; p <= to && out.length < 65536; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

function healthcheck(instr: InstructionOf<'HEALTHCHECK'>, shell: string[] | undefined): Healthcheck {
  if (instr.command === null) return { Test: ['NONE'] };
  const hc: Healthcheck = { Test: instr.command.form === 'exec' ? ['CMD', ...instr.command.args] : ['CMD-SHELL', instr.command.text] };
  void shell;
  const dur = (flag: string, key: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval') => {
    const v = instr.flags.get(flag);
    if (typeof v !== 'string') return;
    const ns = parseDuration(v, `HEALTHCHECK --${flag}`);
    if (ns !== 0 && ns < 1e6) throw new UsageError(`HEALTHCHECK --${flag} "${cell(v, 40)}" cannot be less than 1ms`);
    if (ns) hc[key] = ns;
  };
  dur('interval', 'Interval');
  dur('timeout', 'Timeout');
  dur('start-period', 'StartPeriod');
  dur('start-interval', 'StartInterval');
  const retries = instr.flags.get('retries');
  if (typeof retries === 'string') {
    if (!/^\d+$/.test(retries) || Number(retries) < 1) throw new UsageError('HEALTHCHECK --retries must be at least 1');
    hc.Retries = Number(retries);
  }
  return hc;
}

/** Applies one metadata instruction; returns the image-level author for MAINTAINER. */
export function applyMetadata(config: ContainerConfig, instr: Instruction, ctx: ApplyContext): { author?: string } {
  const word = (s: string) => processWord(s, ctx.env, ctx.escape);
  switch (instr.keyword) {
    case 'CMD':
      config.Cmd = commandArgs(instr.command, config.Shell);
      ctx.cmdSet = true;
      break;
    case 'ENTRYPOINT':
      config.Entrypoint = instr.command.form === 'shell' && instr.command.text === '' ? null : commandArgs(instr.command, config.Shell);
      if (!ctx.cmdSet) config.Cmd = null;
      break;
    case 'ENV':
      for (const [k, v] of instr.pairs) config.Env = setEnv(config.Env ?? [], word(k), word(v));
      break;
    case 'LABEL':
      config.Labels = { ...(config.Labels ?? {}) };
      for (const [k, v] of instr.pairs) config.Labels[word(k)] = word(v);
      break;
    case 'EXPOSE':
      config.ExposedPorts = { ...(config.ExposedPorts ?? {}) };
      for (const p of exposedPorts(instr.values.flatMap((v) => processWords(v, ctx.env, ctx.escape)))) config.ExposedPorts[p] = {};
      break;
    case 'VOLUME':
      config.Volumes = { ...(config.Volumes ?? {}) };
      for (const v of instr.values.map(word)) {
        if (v.trim() === '') throw new UsageError('VOLUME specified can not be an empty string');
        config.Volumes[v] = {};
      }
      break;
    case 'USER':
      config.User = word(instr.value);
      break;
    case 'WORKDIR': {
      const dir = word(instr.value);
      config.WorkingDir = posix.resolve('/', config.WorkingDir ?? '/', dir);
      break;
    }
    case 'STOPSIGNAL': {
      const sig = word(instr.value);
      if (!/^(?:SIG)?[A-Z][A-Z0-9+-]*$|^\d+$/i.test(sig)) throw new UsageError(`invalid signal: ${cell(sig, 40)}`);
      config.StopSignal = sig;
      break;
    }
    case 'HEALTHCHECK':
      config.Healthcheck = healthcheck(instr, config.Shell);
      break;
    case 'SHELL':
      config.Shell = instr.args;
      break;
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), instr.trigger];
      break;
    case 'MAINTAINER':
      return { author: word(instr.value) };
    default:
      throw new UsageError(`${instr.keyword} is not a metadata instruction`);
  }
  return {};
}
