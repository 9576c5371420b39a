// --restart and --detach-keys values, checked before anything is created (docker's syntax and messages).
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';
import type { RestartPolicy } from './launch-conf.js';

/** no | always | unless-stopped | on-failure[:N] */
export function parseRestart(value: string): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(value.trim());
  if (!m) throw new UsageError(`invalid --restart "${cell(value, 50)}": use no, always, unless-stopped or on-failure[:max-retries]`);
  const name = m[1] as RestartPolicy['name'];
  if (m[2] !== undefined && name !== 'on-failure')
    throw new UsageError(`invalid --restart "${cell(value, 50)}": only on-failure takes a maximum retry count`);
  const maxRetries = m[2] === undefined ? 0 : Number(m[2]);
  if (!Number.isSafeInteger(maxRetries) || maxRetries > 0xfffffffe)
    throw new UsageError(`invalid --restart "${cell(value, 50)}": the retry count is too large`);
  return { name, maxRetries };
}

/** docker's --detach-keys: comma-separated keys, each a single character or ctrl-<a-z @ [ \ ] ^ _>. */
export function parseDetachKeys(value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  const bytes: number[] = [];
  for (const key of value.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (ctrl) {
      const c = ctrl[1].toLowerCase();
      if (c >= 'a' && c <= 'z') bytes.push(c.charCodeAt(0) - 96);
      else if ('@[\\]^_'.includes(c)) bytes.push('@[\\]^_'.indexOf(c) === 0 ? 0 : c.charCodeAt(0) - 64);
      else throw new UsageError(`invalid --detach-keys "${cell(value, 50)}": unknown key ${cell(key, 20)}`);
    } else if (key.length === 1 && key.charCodeAt(0) < 0x80) bytes.push(key.charCodeAt(0));
    else throw new UsageError(`invalid --detach-keys "${cell(value, 50)}": unknown key ${cell(key, 20)}`);
  }
  if (bytes.length > 16) throw new UsageError(`invalid --detach-keys "${cell(value, 50)}": at most 16 keys`);
  return Buffer.from(bytes);
}

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';
