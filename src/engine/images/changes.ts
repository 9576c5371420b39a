// `tctop import -c`: the Dockerfile instructions docker import accepts that matter to a run (CMD, ENTRYPOINT, ENV,
// WORKDIR, USER), applied to the new image's config.
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { RuntimeConfig } from './image-config.js';

/** JSON array form (exec) or plain text (shell form, run by /bin/sh -c). */
function commandOf(args: string, instruction: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UsageError(`--change ${instruction}: not a valid JSON array: ${cell(trimmed, 200)}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string'))
      throw new UsageError(`--change ${instruction}: expected an array of strings`);
    return parsed as string[];
  }
  if (!trimmed) throw new UsageError(`--change ${instruction}: needs a command`);
  return ['/bin/sh', '-c', trimmed];
}

/** ENV k=v [k2=v2 ...] (values may be double-quoted) or the legacy ENV k v. */
function envOf(args: string): string[] {
  const trimmed = args.trim();
  const pairs: string[] = [];
  if (!/^[^\s=]+=/.test(trimmed)) {
    const m = /^(\S+)\s+(.*)$/.exec(trimmed);
    if (!m) throw new UsageError(`--change ENV: expected KEY=VALUE or KEY VALUE, got "${cell(trimmed, 200)}"`);
    return [`${m[1]}=${m[2]}`];
  }
  const re = /([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/gy;
  let pos = 0;
  while (pos < trimmed.length) {
    re.lastIndex = pos;
    const m = re.exec(trimmed);
    if (!m) throw new UsageError(`--change ENV: cannot parse "${cell(trimmed.slice(pos), 200)}"`);
    pairs.push(`${m[1]}=${m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]}`);
    pos = re.lastIndex;
    while (trimmed[pos] === ' ' || trimmed[pos] === '\t') pos++;
  }
  return pairs;
}

function setEnv(env: string[], pair: string): string[] {
  const key = pair.slice(0, pair.indexOf('='));
  return [...env.filter((e) => !e.startsWith(key + '=')), pair];
}

export function applyChanges(base: RuntimeConfig, changes: string[]): RuntimeConfig {
  const config: RuntimeConfig = { ...base };
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(change);
    const instruction = m?.[1].toUpperCase() ?? '';
    const args = m?.[2] ?? '';
    switch (instruction) {
      case 'CMD':
        config.Cmd = commandOf(args, 'CMD');
        break;
      case 'ENTRYPOINT':
        config.Entrypoint = commandOf(args, 'ENTRYPOINT');
        break;
      case 'ENV':
        for (const pair of envOf(args)) config.Env = setEnv(config.Env ?? [], pair);
        break;
      case 'WORKDIR':
        if (!args.trim().startsWith('/')) throw new UsageError('--change WORKDIR: needs an absolute path');
        config.WorkingDir = args.trim();
        break;
      case 'USER':
        if (!args.trim()) throw new UsageError('--change USER: needs a user');
        config.User = args.trim();
        break;
      case 'EXPOSE': // what -P publishes
        for (const p of args.trim().split(/\s+/).filter(Boolean)) {
          const port = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(p);
          if (!port || Number(port[1]) < 1 || Number(port[1]) > 65535)
            throw new UsageError(`--change EXPOSE: bad port "${cell(p, 30)}" (PORT[/tcp|udp])`);
          config.ExposedPorts = { ...config.ExposedPorts, [`${Number(port[1])}/${(port[2] ?? 'tcp').toLowerCase()}`]: {} };
        }
        break;
      default:
        throw new UsageError(`--change "${cell(change, 100)}": supported instructions are CMD, ENTRYPOINT, ENV, WORKDIR, USER and EXPOSE`);
    }
  }
  return config;
}
