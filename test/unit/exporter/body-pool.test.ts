// Exposition bodies' chunks are used again once no one holds them, and never while a response still sends them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerLabelPolicy } from '../../../src/exporter/container-labels.js';
import { COLLECTORS } from '../../../src/exporter/families/index.js';
import { MetricsRenderer } from '../../../src/exporter/renderer.js';
import { createExporterServer, listen } from '../../../src/exporter/server.js';
import type { HostSnapshot } from '../../../src/snapshot/model.js';
import { fixtureSnapshot } from './snapshot-fixture.js';

/** A snapshot whose body spans several chunks (a few hundred containers), marked by `tag` in every container name. */
function big(tag: string): HostSnapshot {
  const snap = fixtureSnapshot();
  const one = snap.containers[0];
  snap.containers = Array.from({ length: 400 }, (_, i) => ({ ...structuredClone(one), id: `${tag}-${i}`, name: `${tag}-${i}` }));
  return snap;
}

const DEFAULT = COLLECTORS.filter((c) => c.enabledByDefault);

test('a held body keeps its bytes while later renders reuse the chunks of released ones', async () => {
  let current = big('first');
  const renderer = new MetricsRenderer({ get: async () => current }, DEFAULT, new ContainerLabelPolicy({ storeAll: true }));
  const held = await renderer.render('prometheus');
  const heldText = held.body;
  assert.ok(held.chunks.length > 2, `several chunks: ${held.chunks.length}`);
  const seen = new Set<ArrayBufferLike>(held.chunks.map((c) => c.buffer));
  const backings = new Set<ArrayBufferLike>();
  for (const tag of ['second', 'third', 'fourth', 'fifth']) {
    current = big(tag);
    const e = await renderer.render('prometheus');
    assert.ok(e.body.includes(`name="${tag}-399"`));
    for (const c of e.chunks) {
      assert.ok(!seen.has(c.buffer), 'a chunk of the held body was written again');
      backings.add(c.buffer);
    }
    e.release();
  }
  assert.equal(held.body, heldText, 'the held body is unchanged');
  // the fourth and fifth bodies wrote into the second's and third's released chunks
  const perBody = held.chunks.length;
  assert.ok(backings.size < 4 * perBody, `chunks were reused: ${backings.size} buffers for 4 bodies of ${perBody}`);
  held.release();
});

test('served bodies go back to the pool once their responses are sent', async () => {
  let n = 0;
  const renderer = new MetricsRenderer({ get: async () => big(`s${n++}`) }, DEFAULT, new ContainerLabelPolicy({ storeAll: true }));
  const server = createExporterServer({ renderer });
  const { port } = await listen(server, '127.0.0.1', 0);
  try {
    const buffers = new Set<ArrayBufferLike>();
    const original = renderer.render.bind(renderer);
    let chunksPerBody = 0;
    renderer.render = async (format) => {
      const e = await original(format);
      chunksPerBody = e.chunks.length;
      for (const c of e.chunks) buffers.add(c.buffer);
      return e;
    };
    for (let i = 0; i < 6; i++) {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.ok(body.includes(`name="s${i}-399"`), `scrape ${i} got its own snapshot`);
      assert.ok(body.endsWith('\n') && !body.includes('\u0000'));
    }
    assert.ok(buffers.size <= 3 * chunksPerBody, `6 bodies in at most 3 bodies' chunks: ${buffers.size} for ${chunksPerBody} each`);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
