// Runtime metadata files: JSON read defensively (a half-written or hostile file is a note, not a crash).
import { join } from 'node:path';
import { parsePasswd } from '../host/passwd.js';
import type { DiscoveryContext } from './types.js';

/** A runtime's JSON object file; null when absent (not noted: containers come and go), denied or malformed (noted). */
/** `optional`: the file is usually absent (HostReader.optionalStateText). */
export function readJson(ctx: DiscoveryContext, path: string, optional = false): Record<string, unknown> | null {
  const text = optional ? ctx.reader.optionalStateText(path) : ctx.reader.stateText(path);
  return text === null ? null : parseJsonObject(ctx, path, text);
}

function parseJsonObject(ctx: DiscoveryContext, path: string, text: string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    ctx.note(path, `unparsable JSON: ${(err as Error).message}`);
    return null;
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  ctx.note(path, 'not a JSON object');
  return null;
}

/** What readJsonAmong answers for a file that cannot name any of the names asked about. */
export const NONE_OF_THEM = Symbol('none of them');

/**
 * readJson for a caller that only asks whether the file names one of `among` (inspect's selection reads 1,000 state
 * files to find the few its references name): NONE_OF_THEM, unparsed, when no escape in the text may stand for a
 * character of those names and none of them stands between two quotes (nor '/' and one: docker writes its names
 * so). A JSON string equal to a name is then in the text verbatim between its quotes: each of its
 * characters is written as itself or escaped, and no escape here decodes to one of them (Go's encoder writes "&" as
 * \u0026 in docker's files: no name asked about holds one). Any other text is parsed as readJson does (and a
 * malformed file not parsed is not noted: nothing of it was used). One regular expression whatever the number of
 * names (V8 compiles it to native code): at 900 state.json files and 30 names, 3 ms where the parse took 6-10 ms,
 * 30 substring searches per file 64 ms and a loop over the quotes 6-9 ms (in a cold process).
 */
export function readJsonAmong(
  ctx: DiscoveryContext,
  path: string,
  among: readonly string[],
): Record<string, unknown> | null | typeof NONE_OF_THEM {
  const text = ctx.reader.stateText(path);
  if (text === null) return null;
  const asked = askedOf(among);
  if (!escapesMayHide(text, asked) && !asked.quoted.test(text)) return NONE_OF_THEM;
  return parseJsonObject(ctx, path, text);
}

interface Asked {
  /** One of the names between two quotes, '/'-led or not (docker writes its names so): a superset of the strings. */
  quoted: RegExp;
  /** Their UTF-16 code units: an escape stands for one (\ud83d\ude00 is two). */
  chars: ReadonlySet<string>;
}

/** A selection asks with the same array for each of its 1,000 files. */
const askedMemo = new WeakMap<readonly string[], Asked>();

function askedOf(among: readonly string[]): Asked {
  let asked = askedMemo.get(among);
  if (!asked) {
    const quoted = new RegExp(`"/?(?:${among.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})"`);
    asked = { quoted, chars: new Set(among.flatMap((n) => n.split(''))) };
    askedMemo.set(among, asked);
  }
  return asked;
}

/** The characters JSON's two-character escapes stand for. */
const SHORT_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Whether an escape in `text` may stand for a character of one of the names (an escape it cannot read: yes). */
function escapesMayHide(text: string, asked: Asked): boolean {
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at)) {
    const kind = text[at + 1];
    const hex = kind === 'u' ? text.slice(at + 2, at + 6) : '';
    const ch =
      kind === 'u' ? (/^[0-9a-fA-F]{4}$/.test(hex) ? String.fromCharCode(Number.parseInt(hex, 16)) : undefined) : SHORT_ESCAPES[kind];
    if (ch === undefined || asked.chars.has(ch)) return true;
    at += kind === 'u' ? 6 : 2;
  }
  return false;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

/** ISO 8601 -> seconds since the epoch; Go's zero time and junk -> null. */
export function isoSeconds(v: unknown): number | null {
  if (typeof v !== 'string' || v.startsWith('0001-')) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** Memoise a per-scan computation (a directory listing, a parsed index file). */
export function memo<T>(ctx: DiscoveryContext, key: string, make: () => T): T {
  ctx.reader.unstamped(); // what it answers may have been read for another claim: no stamp of this one shows it
  if (!ctx.memo.has(key)) ctx.memo.set(key, make());
  return ctx.memo.get(key) as T;
}

/** A user's home directory from the host's /etc/passwd (rootless runtimes keep their state under it). */
export function homeOf(ctx: DiscoveryContext, uid: number): string | undefined {
  const homes = memo(ctx, 'passwd:homes', () => {
    const out = new Map<number, string>();
    for (const e of parsePasswd(ctx.reader.text(join(ctx.paths.root, 'etc/passwd'))))
      if (e.home.startsWith('/') && !out.has(e.uid)) out.set(e.uid, e.home);
    return out;
  });
  return homes.get(uid);
}

/** The uid of a rootless runtime's user: its shim's, or the one its cgroup names (user@<uid>.service). */
export function rootlessUid(parentUid: number | undefined, cgroupPath: string | undefined): number | undefined {
  if (parentUid !== undefined && parentUid !== 0) return parentUid;
  const m = cgroupPath ? /\/user@(\d+)\.service\//.exec(cgroupPath) : null;
  return m ? Number(m[1]) : undefined;
}
