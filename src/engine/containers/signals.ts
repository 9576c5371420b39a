// Signal names as docker kill -s takes them: KILL, SIGKILL, 9, case-insensitive.
import { constants } from 'node:os';
import { UsageError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

export function parseSignal(value: string): number {
  const v = value.trim();
  const signals = constants.signals as Record<string, number>;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = v.toUpperCase().startsWith('SIG') ? v.toUpperCase() : `SIG${v.toUpperCase()}`;
    if (signals[name] !== undefined) return signals[name];
  }
  throw new UsageError(`invalid signal "${cell(value, 30)}": use a name (TERM, SIGKILL) or a number 1-64`);
}
