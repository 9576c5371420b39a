// Parsers for cgroup file formats shared by v1 and v2 (flat keyed, nested keyed, PSI, blkio).

/**
 * "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control). `only` keeps just those keys: a
 * refresh wants a handful of memory.stat's ~40 lines, so the others are skipped without being cut into strings.
 */
export function parseFlatKeyed(text: string | null, only?: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (!text) return out;
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const sp = text.indexOf(' ', start);
    if (sp > start && sp < end) {
      if (!only) out.set(text.slice(start, sp), Number(text.slice(sp + 1, end)));
      else {
        for (const key of only) {
          if (key.length === sp - start && text.startsWith(key, start)) {
            out.set(key, Number(text.slice(sp + 1, end)));
            break;
          }
        }
      }
    }
    start = end + 1;
  }
  return out;
}

/** "max" or a number; undefined for unlimited or absent. */
export function parseMaxOrNumber(text: string | null): number | undefined {
  if (text === null) return undefined;
  const t = text.trim();
  if (t === '' || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0", summed over devices. */
export function parseIoStat(text: string | null): { readBytes: number; writeBytes: number; readOps: number; writeOps: number } {
  const out = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  if (!text) return out;
  for (const line of text.split('\n')) {
    for (const kv of line.split(' ').slice(1)) {
      const [k, v] = kv.split('=');
      const n = Number(v) || 0;
      if (k === 'rbytes') out.readBytes += n;
      else if (k === 'wbytes') out.writeBytes += n;
      else if (k === 'rios') out.readOps += n;
      else if (k === 'wios') out.writeOps += n;
    }
  }
  return out;
}

/** v1 blkio.*io_service_bytes / io_serviced: "8:0 Read 123" lines plus "Total"; summed Read/Write over devices. */
export function parseBlkio(text: string | null): { read: number; write: number } {
  const out = { read: 0, write: 0 };
  if (!text) return out;
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length !== 3) continue;
    if (f[1] === 'Read') out.read += Number(f[2]) || 0;
    else if (f[1] === 'Write') out.write += Number(f[2]) || 0;
  }
  return out;
}

/** PSI: "some avg10=0.00 avg60=0.00 avg300=0.00 total=123" and an optional "full ..." line. */
export function parsePressure(text: string | null): { someTotalMicros: number; fullTotalMicros?: number } | undefined {
  if (!text) return undefined;
  let some: number | undefined;
  let full: number | undefined;
  for (const line of text.split('\n')) {
    const m = /total=(\d+)/.exec(line);
    if (!m) continue;
    if (line.startsWith('some')) some = Number(m[1]);
    else if (line.startsWith('full')) full = Number(m[1]);
  }
  return some === undefined ? undefined : { someTotalMicros: some, fullTotalMicros: full };
}

/** "0-3,7" cpuset lists as written, trimmed; undefined when empty. */
export function parseCpuset(text: string | null): string | undefined {
  const t = text?.trim();
  return t ? t : undefined;
}

/** The entries whose value is defined (records leave out what the kernel did not report). */
export function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
