// Fresh-enough snapshots: one scan shared by concurrent scrapes, reuse within max age, a new scan after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { FreshSnapshots } from '../../../src/exporter/snapshots.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { fixtureSnapshot } from './snapshot-fixture.js';

function countingSource(): { scans: () => number; scan: () => HostSnapshot } {
  let n = 0;
  return {
    scans: () => n,
    scan: () => {
      n++;
      return { ...fixtureSnapshot(), hostProcessCount: n };
    },
  };
}

test('concurrent requests share one in-flight scan', async () => {
  const source = countingSource();
  const fresh = new FreshSnapshots(source, 1000);
  const all = await Promise.all(Array.from({ length: 8 }, () => fresh.get()));
  assert.equal(source.scans(), 1);
  assert.ok(all.every((s) => s === all[0]));
});

test('a snapshot is reused within max age and replaced after it', async () => {
  let now = 0;
  const source = countingSource();
  const fresh = new FreshSnapshots(source, 1000, () => now);
  const a = await fresh.get();
  now = 999;
  assert.equal(await fresh.get(), a);
  now = 1001;
  const b = await fresh.get();
  assert.notEqual(b, a);
  assert.equal(source.scans(), 2);
});

test('a throwing scan rejects the waiting scrapes and the next call scans again', async () => {
  let fail = true;
  const fresh = new FreshSnapshots(
    {
      scan: () => {
        if (fail) throw new Error('boom');
        return fixtureSnapshot();
      },
    },
    1000,
  );
  await assert.rejects(Promise.all([fresh.get(), fresh.get()]), /boom/);
  fail = false;
  assert.ok(await fresh.get());
});

test('concurrent scrapes of one snapshot share one render; a new snapshot renders again', async () => {
  let now = 0;
  const source = countingSource();
  const renderer = new MetricsRenderer(new FreshSnapshots(source, 1000, () => now), COLLECTORS);
  const bodies = await Promise.all(Array.from({ length: 8 }, () => renderer.render('prometheus')));
  assert.ok(bodies.every((b) => b.body === bodies[0].body));
  assert.match(bodies[0].body, /^tctop_host_processes 1$/m);
  now = 5000;
  const [p, o] = await Promise.all([renderer.render('prometheus'), renderer.render('openmetrics')]);
  assert.match(p.body, /^tctop_host_processes 2$/m);
  assert.match(o.body, /^tctop_host_processes 2$/m);
  assert.match(o.body, /^container_cpu_usage_seconds_total\{/m, 'OpenMetrics keeps the _total sample names');
  // the Prometheus registry is not disturbed by the OpenMetrics rename
  now = 10000;
  assert.match((await renderer.render('prometheus')).body, /^# TYPE container_cpu_usage_seconds_total counter$/m);
});
