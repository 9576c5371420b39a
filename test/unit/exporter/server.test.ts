// The exporter's HTTP server on a real loopback socket, fed a constructed snapshot: methods, paths, formats,
// hostile input (huge headers, half-open connections, path tricks) and the server keeps serving.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { createExporterServer, listen, routeOf, type ServerLimits } from '../../../src/exporter/server.js';
import type { SnapshotProvider } from '../../../src/exporter/snapshots.js';
import { get, halfOpen, rawRequest } from './http-client.js';
import { FixedSnapshot, fixtureSnapshot } from './snapshot-fixture.js';

async function start(
  t: TestContext,
  limits: Partial<ServerLimits> = {},
  provider: SnapshotProvider = new FixedSnapshot(fixtureSnapshot()),
): Promise<number> {
  const renderer = new MetricsRenderer(
    provider,
    COLLECTORS.filter((c) => c.enabledByDefault),
  );
  const server: Server = createExporterServer({ renderer, limits });
  const { port } = await listen(server, '127.0.0.1', 0);
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return port;
}

test('routes: only the exact paths, query strings ignored', () => {
  assert.equal(routeOf('/metrics'), '/metrics');
  assert.equal(routeOf('/metrics?name[]=x'), '/metrics');
  assert.equal(routeOf('/'), '/');
  for (const bad of ['/metrics/', '//metrics', '/metrics/../metrics', '/%2e%2e/metrics', '/METRICS', '/metrics%00', '', undefined]) {
    assert.equal(routeOf(bad), undefined, String(bad));
  }
});

test('GET /metrics, /healthz, / and HEAD; OpenMetrics only when asked', async (t) => {
  const port = await start(t);
  const base = `http://127.0.0.1:${port}`;
  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200);
  assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(await metrics.text(), /^machine_cpu_cores 2$/m);

  const om = await fetch(`${base}/metrics`, {
    headers: { Accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3' },
  });
  assert.match(om.headers.get('content-type') ?? '', /^application\/openmetrics-text/);
  assert.ok((await om.text()).endsWith('# EOF\n'));

  assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok\n');
  const index = await (await fetch(`${base}/`)).text();
  assert.match(index, /href="metrics"/);
  assert.match(index, /href="healthz"/);

  const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.ok(Number(head.headers.get('content-length')) > 1000);
  assert.equal(await head.text(), '');
});

test('methods other than GET and HEAD answer 405 with Allow', async (t) => {
  const port = await start(t);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { method, body: method === 'OPTIONS' ? undefined : 'x' });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  }
  const trace = await rawRequest(port, 'TRACE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(trace.status, 405);
});

test('path tricks are 404, never a crash and never another file', async (t) => {
  const port = await start(t);
  for (const path of [
    '/metrics/../metrics',
    '//metrics',
    '/%2e%2e/metrics',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/../../etc/passwd',
    '/metrics/',
    '/metrics%2F',
    '/\\metrics',
    '/nope',
  ]) {
    const res = await rawRequest(port, get(path));
    assert.equal(res.status, 404, path);
    assert.ok(!res.body.includes('root:'), path);
  }
  const absolute = await rawRequest(port, get('http://evil.example/metrics'));
  assert.ok(absolute.status === 404 || absolute.status === 400, `absolute-form: ${absolute.status}`);
  const garbage = await rawRequest(port, 'GET \u0000\u0001 HTTP/1.1\r\n\r\n');
  assert.ok(garbage.status === 400 || garbage.status === 0);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'still serving');
});

test('huge headers answer 431 and the server keeps serving', async (t) => {
  const port = await start(t);
  const res = await rawRequest(port, get('/metrics', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`));
  assert.equal(res.status, 431);
  const many = await rawRequest(port, get('/metrics', Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('')));
  assert.equal(many.status, 431);
  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
});

test('half-open (slowloris) clients neither stall others nor stay forever', async (t) => {
  const port = await start(t, { headersTimeoutMs: 800, requestTimeoutMs: 1500 });
  const sockets: Socket[] = [];
  t.after(() => sockets.forEach((s) => s.destroy()));
  for (let i = 0; i < 50; i++) sockets.push(await halfOpen(port));
  // a connection that never sends a byte at all
  sockets.push(await halfOpen(port, ''));

  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  await res.text();
  assert.ok(performance.now() - t0 < 1000, 'a normal scrape is answered while 51 clients hang');

  const closed = await Promise.all(
    sockets.map(
      (s) =>
        new Promise<boolean>((resolve) => {
          if (s.destroyed) return resolve(true);
          const timer = setTimeout(() => resolve(false), 6000);
          s.on('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        }),
    ),
  );
  assert.ok(closed.every(Boolean), 'the server dropped every half-open connection after its timeouts');
});

test('one client address cannot take every connection slot', async (t) => {
  const port = await start(t, { maxConnectionsPerClient: 10 });
  const hostile: Socket[] = [];
  t.after(() => hostile.forEach((s) => s.destroy()));
  for (let i = 0; i < 30; i++) hostile.push(await halfOpen(port, 'GET / HTTP/1.1\r\n', '127.0.0.2'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(hostile.filter((s) => !s.destroyed).length, 10, 'connections beyond the per-client limit are closed');
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200, 'another client is still served');
  assert.equal(res.headers.get('vary'), 'Accept');
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

test('a reader that never reads the body does not block other scrapes', async (t) => {
  const port = await start(t);
  // pipelined requests on one socket whose answers are never read
  const stuck = await halfOpen(port, get('/metrics').replace('Connection: close', 'Connection: keep-alive').repeat(20));
  stuck.pause();
  t.after(() => stuck.destroy());
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
  assert.ok(performance.now() - t0 < 2000);
});

test('a failing scan answers 503 and the next scrape succeeds', async (t) => {
  let fail = true;
  const provider: SnapshotProvider = {
    get: async () => {
      if (fail) throw new Error('boom');
      return fixtureSnapshot();
    },
  };
  const port = await start(t, {}, provider);
  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 503);
  fail = false;
  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
});
