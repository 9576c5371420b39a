// docker events' --filter and --since/--until, for events of every runtime.
import { UsageError } from '../errors.js';
import type { ContainerEvent, EventAction } from './events.js';
import { EVENT_ACTIONS } from './events.js';

/** The and docker's words for the same actions: `died` is `die`, `started` is `start`. */
const ACTION_ALIASES: Record<string, EventAction> = {
  created: 'create',
  started: 'start',
  exec_started: 'exec_start',
  paused: 'pause',
  unpaused: 'unpause',
  died: 'die',
  destroyed: 'destroy',
};

export type EventFilter = (e: ContainerEvent) => boolean;

/** `key=value` pairs; one key given twice matches either value (docker's rule), different keys must all match. */
export function parseEventFilters(specs: string[]): EventFilter {
  const byKey = new Map<string, string[]>();
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad filter "${spec}": expected key=value`);
    const key = spec.slice(0, eq);
    byKey.set(key, [...(byKey.get(key) ?? []), spec.slice(eq + 1)]);
  }
  const preds: EventFilter[] = [];
  for (const [key, values] of byKey) {
    switch (key) {
      case 'runtime':
        preds.push((e) => values.includes(e.runtime));
        break;
      case 'container':
        preds.push((e) => values.some((v) => e.name === v || e.id.startsWith(v)));
        break;
      case 'event': {
        const actions = values.map((v) => {
          const a = ACTION_ALIASES[v] ?? v;
          if (!EVENT_ACTIONS.includes(a as EventAction)) throw new UsageError(`unknown event "${v}" (one of ${EVENT_ACTIONS.join(', ')})`);
          return a;
        });
        preds.push((e) => actions.includes(e.action));
        break;
      }
      case 'image':
        preds.push((e) => values.some((v) => e.image === v || e.image.startsWith(`${v}:`)));
        break;
      case 'label':
        preds.push((e) =>
          values.some((v) => {
            const i = v.indexOf('=');
            return i < 0 ? v in e.attributes : e.attributes[v.slice(0, i)] === v.slice(i + 1);
          }),
        );
        break;
      case 'type':
        if (values.some((v) => v !== 'container')) throw new UsageError('only container events are known (type=container)');
        break;
      default:
        throw new UsageError(`unknown filter key "${key}" (runtime, container, event, image, label, type)`);
    }
  }
  return (e) => preds.every((p) => p(e));
}

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** docker's time arguments: RFC 3339 dates, Unix timestamps (fractions allowed), or Go durations back from now. */
export function parseEventTime(value: string, nowSeconds: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const duration = /^(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/.test(value);
  if (duration) {
    let total = 0;
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]];
    return nowSeconds - total;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || !value.includes('T') ? value : `${value}Z`);
    if (Number.isFinite(t)) return t / 1000;
  }
  throw new UsageError(`bad time "${value}": an RFC 3339 date, a Unix timestamp or a duration such as 10m`);
}
