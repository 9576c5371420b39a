// A node:test reporter for the guest: one JSON line per finished test (name, ok, error), which the host side
// (test/vm/guest-suite.test.ts) turns into one subtest each.
interface TestEvent {
  type: string;
  data: { name: string; nesting: number; skip?: boolean | string; details?: { duration_ms?: number; error?: unknown } };
}

function describeError(e: unknown): string {
  const err = e as { cause?: unknown; stack?: string; message?: string } | undefined;
  const inner = (err?.cause ?? err) as { stack?: string; message?: string } | undefined;
  return String(inner?.stack ?? inner?.message ?? inner).slice(0, 4000);
}

export default async function* jsonLines(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const d = ev.data;
    const line = { name: d.name, nesting: d.nesting, ok: ev.type === 'test:pass', skip: d.skip ?? false, ms: d.details?.duration_ms };
    yield JSON.stringify(ev.type === 'test:fail' ? { ...line, error: describeError(d.details?.error) } : line) + '\n';
  }
}
