// launch.conf: what the native shim reads to start a container (format: docs/engine-contract.md).
// One `key value` record a line; values percent-encoded so they may hold spaces, newlines and any byte.
import { writeFileAtomic } from '../atomic-write.js';
import { isFullId } from '../../text/ids.js';

export interface BindMount {
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface LaunchConf {
  id: string;
  /** Image layer roots, TOP-MOST FIRST (overlay lowerdir order). */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  rootfs: string;
  readOnly: boolean;
  hostname: string;
  network: 'none' | 'host';
  /** A prepared network namespace (bridge, container:<ref>) the init joins instead of making one. */
  netns?: string;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  groups: number[];
  binds: BindMount[];
  /** Every cgroup dir the init joins (v1: one per controller, v2: one). */
  cgroups: string[];
  oomFile: string | null;
  logFile: string;
  exitFile: string;
  /** -t: the init's stdio is a pty the shim keeps the master of. */
  tty?: boolean;
  /** -i: the init's stdin is a pipe fed by attach clients. */
  openStdin?: boolean;
  restart?: RestartPolicy;
  /** 16 hex digits: the capabilities kept (absent: docker's default set). */
  caps?: string;
  /** The compiled seccomp filter (absent: none). */
  seccompFile?: string;
  privileged?: boolean;
}

/** --restart, kept by the shim (docs/engine-contract.md, "Terminals, attach and restart policies"). maxRetries 0: no limit (on-failure only). */
export interface RestartPolicy {
  name: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  maxRetries: number;
}

/** Every byte < 0x21, '%' and >= 0x7f as %XX; the shim decodes byte for byte. */
export function percentEncode(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) {
    out += b < 0x21 || b === 0x25 || b >= 0x7f ? '%' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}

function checkAbsolute(key: string, path: string): void {
  if (!path.startsWith('/')) throw new Error(`launch.conf: ${key} must be an absolute path: ${JSON.stringify(path)}`);
  if (path.includes('\0')) throw new Error(`launch.conf: ${key} holds a NUL byte`);
}

function checkId(n: number, key: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw new Error(`launch.conf: bad ${key} ${n}`);
}

export function encodeLaunchConf(c: LaunchConf): string {
  if (!isFullId(c.id)) throw new Error(`launch.conf: id must be 64 hex characters`);
  if (c.lowerDirs.length === 0) throw new Error('launch.conf: at least one lowerdir is needed');
  if (c.args.length === 0) throw new Error('launch.conf: no command to run');
  for (const v of [...c.args, ...c.env, c.hostname]) if (v.includes('\0')) throw new Error('launch.conf: a value holds a NUL byte');
  c.lowerDirs.forEach((d) => checkAbsolute('lowerdir', d));
  for (const [k, p] of [
    ['upperdir', c.upperDir],
    ['workdir', c.workDir],
    ['rootfs', c.rootfs],
    ['cwd', c.cwd],
    ['log', c.logFile],
    ['exit_file', c.exitFile],
  ] as const)
    checkAbsolute(k, p);
  c.cgroups.forEach((d) => checkAbsolute('cgroup', d));
  if (c.oomFile !== null) checkAbsolute('oom_file', c.oomFile);
  checkId(c.uid, 'uid');
  checkId(c.gid, 'gid');
  c.groups.forEach((g) => checkId(g, 'group'));

  const lines: string[] = [];
  const put = (key: string, value: string) => lines.push(`${key} ${percentEncode(value)}`);
  put('id', c.id);
  c.lowerDirs.forEach((d) => put('lowerdir', d));
  put('upperdir', c.upperDir);
  put('workdir', c.workDir);
  put('rootfs', c.rootfs);
  put('readonly', c.readOnly ? '1' : '0');
  put('hostname', c.hostname);
  put('network', c.network);
  if (c.netns !== undefined) {
    checkAbsolute('netns', c.netns);
    put('netns', c.netns);
  }
  c.args.forEach((a) => put('arg', a));
  c.env.forEach((e) => put('env', e));
  put('cwd', c.cwd);
  put('uid', String(c.uid));
  put('gid', String(c.gid));
  if (c.groups.length > 0) put('groups', c.groups.join(','));
  for (const b of c.binds) {
    checkAbsolute('bind source', b.source);
    checkAbsolute('bind destination', b.destination);
    lines.push(`bind ${percentEncode(b.source)} ${percentEncode(b.destination)} ${b.readOnly ? 'ro' : 'rw'}`);
  }
  c.cgroups.forEach((d) => put('cgroup', d));
  if (c.oomFile !== null) put('oom_file', c.oomFile);
  put('log', c.logFile);
  put('exit_file', c.exitFile);
  if (c.tty) put('tty', '1');
  if (c.openStdin) put('stdin', '1');
  if (c.restart && c.restart.name !== 'no') {
    put('restart', c.restart.name);
    if (c.restart.maxRetries > 0) put('restart_max', String(c.restart.maxRetries));
  }
  if (c.caps !== undefined) {
    if (!/^[0-9a-f]{16}$/.test(c.caps)) throw new Error('launch.conf: caps must be 16 hex digits');
    put('caps', c.caps);
  }
  if (c.seccompFile !== undefined) {
    checkAbsolute('seccomp', c.seccompFile);
    put('seccomp', c.seccompFile);
  }
  if (c.privileged) put('privileged', '1');
  return lines.join('\n') + '\n';
}

/** Atomic (tmp + rename): the shim never sees half a file. Not durable: see atomic-write.ts. */
export async function writeLaunchConf(path: string, c: LaunchConf): Promise<void> {
  writeFileAtomic(path, encodeLaunchConf(c), { mode: 0o600, durable: false });
}
