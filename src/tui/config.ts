// The dashboard's settings file, ~/.config/tctop/config.json ($XDG_CONFIG_HOME honoured): the table's columns and
// their order, the sort, the refresh and colour. Read at start (flags win), written by the W key.
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { UsageError } from '../errors.js';
import { escapeControls } from '../text/sanitize.js';
import { COLUMNS } from './view/columns.js';
import { SORT_KEYS, type SortKey } from './view/container-rows.js';

export interface DashboardConfig {
  /** Column headers, in the order shown (a subset of the table's). */
  columns?: string[];
  sort?: SortKey;
  reverse?: boolean;
  refreshSeconds?: number;
  colours?: boolean;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'tctop', 'config.json');
}

const HEADERS = COLUMNS.map((c) => c.header);

/** Checks every key; a wrong one is the user's to fix, named with the file. */
export function parseConfig(text: string, path: string): DashboardConfig {
  const bad = (what: string) => new UsageError(`${escapeControls(path)}: ${what}`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('expected a JSON object');
  const o = v as Record<string, unknown>;
  const out: DashboardConfig = {};
  for (const key of Object.keys(o))
    if (!['columns', 'sort', 'reverse', 'refreshSeconds', 'colours'].includes(key)) throw bad(`unknown key "${escapeControls(key)}"`);
  if (o.columns !== undefined) {
    if (!Array.isArray(o.columns) || o.columns.length === 0 || !o.columns.every((c) => typeof c === 'string' && HEADERS.includes(c)))
      throw bad(`"columns" must list some of: ${HEADERS.join(', ')}`);
    if (!o.columns.includes('NAME')) throw bad('"columns" must include NAME');
    out.columns = [...new Set(o.columns as string[])];
  }
  if (o.sort !== undefined) {
    if (!SORT_KEYS.includes(o.sort as SortKey)) throw bad(`"sort" must be one of ${SORT_KEYS.join(', ')}`);
    out.sort = o.sort as SortKey;
  }
  if (o.reverse !== undefined) {
    if (typeof o.reverse !== 'boolean') throw bad('"reverse" must be true or false');
    out.reverse = o.reverse;
  }
  if (o.refreshSeconds !== undefined) {
    if (typeof o.refreshSeconds !== 'number' || !(o.refreshSeconds >= 0.1 && o.refreshSeconds <= 3600))
      throw bad('"refreshSeconds" must be a number from 0.1 to 3600');
    out.refreshSeconds = o.refreshSeconds;
  }
  if (o.colours !== undefined) {
    if (typeof o.colours !== 'boolean') throw bad('"colours" must be true or false');
    out.colours = o.colours;
  }
  return out;
}

/** The file's settings, or none when there is no file. */
export function readConfig(path: string): DashboardConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${escapeControls(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseConfig(text, path);
}

export async function writeConfig(path: string, config: DashboardConfig): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 });
}

/** The table's columns in the configured order (all of them when none is configured). */
export function configuredColumns(config: DashboardConfig): typeof COLUMNS {
  if (!config.columns) return COLUMNS;
  return config.columns.map((h) => COLUMNS.find((c) => c.header === h)!);
}
