// The exposition of a constructed snapshot, byte for byte, against golden files (UPDATE_GOLDEN=1 rewrites them).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { VERSION } from '../../../src/version.js';
import { FixedSnapshot, fixtureSnapshot } from './snapshot-fixture.js';

// dist/test/unit/exporter -> repo root
const FIXTURES = new URL('../../../../test/fixtures/exporter/', import.meta.url);

function golden(file: string, actual: string): void {
  const normalised = actual.replace(`version="${VERSION}"`, 'version="VERSION"');
  const url = new URL(file, FIXTURES);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, normalised);
  assert.equal(normalised, readFileSync(url, 'utf8'));
}

test('Prometheus text exposition matches the golden file (default collectors)', async () => {
  const renderer = new MetricsRenderer(
    new FixedSnapshot(fixtureSnapshot()),
    COLLECTORS.filter((c) => c.enabledByDefault),
  );
  const exp = await renderer.render('prometheus');
  assert.equal(exp.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  golden('default.prom', exp.body);
});

test('OpenMetrics exposition matches the golden file and ends with # EOF', async () => {
  const renderer = new MetricsRenderer(
    new FixedSnapshot(fixtureSnapshot()),
    COLLECTORS.filter((c) => c.enabledByDefault),
  );
  const exp = await renderer.render('openmetrics');
  assert.match(exp.contentType, /^application\/openmetrics-text; version=1\.0\.0/);
  assert.ok(exp.body.endsWith('# EOF\n'));
  golden('default.openmetrics', exp.body);
});

test('the per-process collector matches its golden file', async () => {
  const renderer = new MetricsRenderer(
    new FixedSnapshot(fixtureSnapshot()),
    COLLECTORS.filter((c) => c.name === 'process'),
  );
  golden('process.prom', (await renderer.render('prometheus')).body);
});
