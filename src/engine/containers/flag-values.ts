// Parsing and validating run/create flag values, before anything is created (a bad value creates nothing).
import { cpus } from 'node:os';
import { isAbsolute, normalize } from 'node:path';
import { statSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { BindMount } from './spec.js';
import { parseNetworkMode, type NetworkMode } from '../network/mode.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** As docker: a smaller memory limit cannot even start a container. */
export const MIN_MEMORY = 6 * 1024 * 1024;

/** docker's RAMInBytes: 64m, 1g, 512k, 1048576 (bytes); case-insensitive, optional trailing b (mb, gb). */
export function parseMemory(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`invalid --memory "${cell(value, 50)}": use a number with an optional unit b, k, m or g (e.g. 64m)`);
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  if (bytes < MIN_MEMORY) throw new UsageError(`invalid --memory "${cell(value, 50)}": the minimum is 6m`);
  return bytes;
}

/** --cpus 0.5 -> nano CPUs; between 0.01 and the number of CPUs, as docker. */
export function parseCpus(value: string, available = cpus().length): number {
  if (!/^\d*\.?\d+$/.test(value.trim()))
    throw new UsageError(`invalid --cpus "${cell(value, 50)}": use a decimal number of CPUs (e.g. 0.5)`);
  const n = Number(value);
  if (n < 0.01 || n > available) throw new UsageError(`invalid --cpus "${cell(value, 50)}": the range is 0.01 to ${available}`);
  return Math.round(n * 1e9);
}

export function parsePidsLimit(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new UsageError(`invalid --pids-limit "${cell(value, 50)}": use a whole number of processes, at least 1`);
  return Number(value);
}

/** Syntax only (0-1,3); whether the CPUs exist is checked against the parent cgroup when it is created. */
export function parseCpuset(value: string): string {
  const v = value.trim();
  const ok =
    /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(v) &&
    v.split(',').every((r) => {
      const [a, b] = r.split('-').map(Number);
      return b === undefined || a <= b;
    });
  if (!ok) throw new UsageError(`invalid --cpuset-cpus "${cell(value, 50)}": use CPU numbers and ranges, e.g. 0-1,3`);
  return v;
}

export function parseNetwork(value: string): NetworkMode {
  return parseNetworkMode(value);
}

/** -v /host/path:/container/path[:ro|rw]: bind mounts only (no named volumes); the source must exist. */
export function parseVolume(value: string): BindMount {
  const parts = value.split(':');
  const bad = (why: string) => new UsageError(`invalid -v "${cell(value, 200)}": ${why}`);
  if (parts.length < 2 || parts.length > 3) throw bad('use /host/path:/container/path[:ro|rw]');
  const [source, destination, mode = 'rw'] = parts;
  if (!isAbsolute(source)) throw bad('the source must be an absolute host path (named volumes are not supported)');
  if (!isAbsolute(destination)) throw bad('the destination must be an absolute path in the container');
  if (normalize(destination) === '/') throw bad('the destination cannot be /');
  if (mode !== 'ro' && mode !== 'rw') throw bad(`unknown mode "${cell(mode, 20)}" (ro or rw)`);
  try {
    statSync(source);
  } catch {
    throw bad(`the source ${cell(source, 200)} does not exist`);
  }
  return { source: normalize(source), destination: normalize(destination), readOnly: mode === 'ro' };
}

/** -e K=V (or -e K: take K from the CLI's environment, as docker; unset -> dropped). */
export function parseEnv(value: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (!key) throw new UsageError(`invalid -e "${cell(value, 100)}": the variable name is empty`);
  if (key.includes('\0') || value.includes('\0')) throw new UsageError('invalid -e: NUL bytes are not allowed');
  if (eq >= 0) return value;
  return env[key] === undefined ? null : `${key}=${env[key]}`;
}

export function parseWorkdir(value: string): string {
  if (!isAbsolute(value)) throw new UsageError(`invalid working directory "${cell(value, 200)}": it must be an absolute path`);
  return normalize(value);
}

export function parseHostname(value: string): string {
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/.test(value))
    throw new UsageError(`invalid --hostname "${cell(value, 100)}": letters, digits, "." and "-", at most 63`);
  return value;
}
