// Runtime metadata files: JSON read defensively (a half-written or hostile file is a note, not a crash).
import { readText } from '../host/read.js';
import type { DiscoveryContext } from './types.js';

export function readJson(ctx: DiscoveryContext, path: string): Record<string, unknown> | null {
  const text = readText(path);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch (err) {
    ctx.note(path, `unparsable JSON: ${(err as Error).message}`);
    return null;
  }
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
  if (!ctx.memo.has(key)) ctx.memo.set(key, make());
  return ctx.memo.get(key) as T;
}
