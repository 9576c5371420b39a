// Docker's seccomp profile format (moby/profiles seccomp.Seccomp): read, validated, and resolved for this container
// (includes/excludes by capability, architecture and kernel version, as moby's setupSeccomp does) into flat rules.
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';
import { cell } from '../../text/sanitize.js';

export interface ArgCondition {
  index: number;
  op: 'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';
  value: bigint;
  valueTwo: bigint;
}

/** One rule: when every condition holds (none: always), the syscall gets `action` (a SECCOMP_RET_* value). */
export interface FlatRule {
  name: string;
  action: number;
  args: ArgCondition[];
}

export interface ResolvedProfile {
  defaultAction: number;
  rules: FlatRule[];
}

const OPS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);
const EPERM = 1;

/** docker's action names -> SECCOMP_RET_* (linux/seccomp.h); `data` is errnoRet (ERRNO, TRACE). */
function actionValue(name: unknown, data: number | undefined, where: string): number {
  const low = (data ?? EPERM) & 0xffff;
  switch (name) {
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
    case 'SCMP_ACT_ERRNO':
      return 0x00050000 | low;
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return 0;
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_TRACE':
      return 0x7ff00000 | ((data ?? 0) & 0xffff);
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
    case 'SCMP_ACT_NOTIFY':
      throw new UsageError(`seccomp profile: ${where}: SCMP_ACT_NOTIFY needs a listener, which tctop does not provide`);
    default:
      throw new UsageError(`seccomp profile: ${where}: unknown action ${cell(String(name), 40)}`);
  }
}

function bigintOf(v: unknown, where: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new UsageError(`seccomp profile: ${where}: a value must be a non-negative integer`);
  return BigInt(v);
}

function kernelAtLeast(min: string, kernel = release()): boolean {
  const parse = (s: string) => (/^(\d+)\.(\d+)/.exec(s) ?? []).slice(1).map(Number);
  const [a, b] = parse(kernel),
    [c, d] = parse(min);
  if (c === undefined || d === undefined) throw new UsageError(`seccomp profile: bad minKernel ${cell(min, 20)}`);
  return a > c || (a === c && b >= d);
}

interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

/** moby's rule: excludes drop the entry if ANY listed cap/arch is present; includes need ALL caps, ANY arch. */
function applies(inc: Filter | undefined, exc: Filter | undefined, caps: Set<string>, arch: string): boolean {
  if (exc?.arches?.includes(arch)) return false;
  if (exc?.caps?.some((c) => caps.has(c))) return false;
  if (exc?.minKernel && kernelAtLeast(exc.minKernel)) return false;
  if (inc?.arches?.length && !inc.arches.includes(arch)) return false;
  if (inc?.caps?.length && !inc.caps.every((c) => caps.has(c))) return false;
  if (inc?.minKernel && !kernelAtLeast(inc.minKernel)) return false;
  return true;
}

/** Validates the JSON's shape and keeps the entries that apply to a container holding `caps` on `arch`. */
export function resolveProfile(json: unknown, caps: string[], arch = 'amd64'): ResolvedProfile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError('seccomp profile: not a JSON object');
  const p = json as Record<string, unknown>;
  if (p.listenerPath) throw new UsageError('seccomp profile: listenerPath (SCMP_ACT_NOTIFY) is not supported');
  const defaultErrno = p.defaultErrnoRet === undefined ? undefined : Number(p.defaultErrnoRet);
  const defaultAction = actionValue(p.defaultAction, defaultErrno, 'defaultAction');
  const capSet = new Set(caps);
  const rules: FlatRule[] = [];
  const entries = p.syscalls ?? [];
  if (!Array.isArray(entries)) throw new UsageError('seccomp profile: "syscalls" must be an array');
  entries.forEach((raw: unknown, i: number) => {
    const where = `syscalls[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new UsageError(`seccomp profile: ${where} is not an object`);
    const e = raw as Record<string, any>;
    const names: unknown[] = Array.isArray(e.names) ? e.names : typeof e.name === 'string' ? [e.name] : [];
    if (names.length === 0 || !names.every((n) => typeof n === 'string' && /^[a-z0-9_]+$/.test(n)))
      throw new UsageError(`seccomp profile: ${where} needs "names" (syscall names)`);
    if (!applies(e.includes, e.excludes, capSet, arch)) return;
    const action = actionValue(e.action, e.errnoRet === undefined ? defaultErrno : Number(e.errnoRet), where);
    const args: ArgCondition[] = (Array.isArray(e.args) ? e.args : []).map((a: any, j: number) => {
      const w = `${where}.args[${j}]`;
      if (!Number.isInteger(a?.index) || a.index < 0 || a.index > 5) throw new UsageError(`seccomp profile: ${w}: index must be 0 to 5`);
      if (!OPS.has(a.op)) throw new UsageError(`seccomp profile: ${w}: unknown op ${cell(String(a.op), 40)}`);
      return { index: a.index, op: a.op, value: bigintOf(a.value, w), valueTwo: bigintOf(a.valueTwo, w) };
    });
    for (const name of names as string[]) rules.push({ name, action, args });
  });
  return { defaultAction, rules };
}

/** Docker's default profile, shipped with tctop (moby/profiles seccomp/default.json, Apache-2.0), as text. */
export function dockerDefaultProfileText(): string {
  return readFileSync(join(packageRoot(), 'src', 'engine', 'security', 'seccomp-default.json'), 'utf8');
}

export function dockerDefaultProfile(): unknown {
  return JSON.parse(dockerDefaultProfileText());
}

/** A user's --security-opt seccomp=<file>: read and parsed now, as the docker CLI does at create. */
export function readProfileFile(path: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read seccomp profile ${cell(path, 200)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch (err) {
    throw new UsageError(`seccomp profile ${cell(path, 200)} is not valid JSON: ${cell((err as Error).message, 120)}`);
  }
}
