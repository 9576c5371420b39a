// Each runtime's adapter names its overlay lower dirs from its own store, built here as the runtimes lay it out:
// docker's overlay2 links and layer database, containers/storage's links and layers.json, tctop's own store; and
// containerd, whose snapshot numbers tctop cannot turn into digests (they are in its bolt database).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { containerdAdapter } from '../../../src/discovery/adapters/containerd.js';
import { crioAdapter } from '../../../src/discovery/adapters/crio.js';
import { dockerAdapter } from '../../../src/discovery/adapters/docker.js';
import { podmanAdapter } from '../../../src/discovery/adapters/podman.js';
import { tctopAdapter } from '../../../src/discovery/adapters/tctop.js';
import type { DiscoveryContext } from '../../../src/discovery/types.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';

const hex = (c: string) => c.repeat(64);

function fixtureRoot(t: TestContext): { root: string; ctx: DiscoveryContext; notes: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'tctop-layers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const notes: string[] = [];
  return {
    root,
    notes,
    ctx: { paths: hostPaths(root), reader: new HostReader(hostPaths(root)), memo: new Map(), note: (p, r) => notes.push(`${p}: ${r}`) },
  };
}

function put(root: string, path: string, content: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

test("docker overlay2: l/<short> links to cache-id dirs, named by the layer database's diff IDs; the init layer said so", (t) => {
  const { root, ctx } = fixtureRoot(t);
  const o2 = '/var/lib/docker/overlay2';
  const [base, top, ctr] = [hex('a'), hex('b'), hex('c')];
  for (const id of [base, top, `${ctr}-init`]) mkdirSync(join(root, o2, id, 'diff'), { recursive: true });
  mkdirSync(join(root, o2, 'l'), { recursive: true });
  symlinkSync(`../${base}/diff`, join(root, o2, 'l', 'BASE'));
  symlinkSync(`../${top}/diff`, join(root, o2, 'l', 'TOP'));
  symlinkSync(`../${ctr}-init/diff`, join(root, o2, 'l', 'INIT'));
  symlinkSync('/etc', join(root, o2, 'l', 'EVIL')); // a link out of the store names nothing
  const layerdb = '/var/lib/docker/image/overlay2/layerdb/sha256';
  put(root, `${layerdb}/${hex('1')}/cache-id`, base);
  put(root, `${layerdb}/${hex('1')}/diff`, `sha256:${hex('d')}`);
  put(root, `${layerdb}/${hex('2')}/cache-id`, top);
  put(root, `${layerdb}/${hex('2')}/diff`, `sha256:${hex('e')}\n`);
  const names = dockerAdapter.imageLayers!([`${o2}/l/INIT`, `${o2}/l/TOP`, 'l/BASE', `${o2}/l/EVIL`, `${o2}/${hex('f')}/diff`], ctx);
  assert.equal(names[0].storeId, `${ctr}-init`);
  assert.match(names[0].note!, /init layer/);
  assert.equal(names[0].digest, undefined);
  assert.deepEqual(names[1], { path: `${o2}/${top}/diff`, storeId: top, digest: `sha256:${hex('e')}` });
  // relative (dockerd chdir'd into overlay2 to keep the options under a page)
  assert.deepEqual(names[2], { path: `${o2}/${base}/diff`, storeId: base, digest: `sha256:${hex('d')}` });
  assert.deepEqual(names[3], {});
  assert.equal(names[4].storeId, hex('f'));
  assert.match(names[4].note!, /not in docker's layer database/);
});

test('containers/storage (podman, CRI-O): overlay/l links, layers.json diff digests', (t) => {
  const { root, ctx, notes } = fixtureRoot(t);
  const ov = '/var/lib/containers/storage/overlay';
  const [img, ctr] = [hex('a'), hex('b')];
  for (const id of [img, ctr]) mkdirSync(join(root, ov, id, 'diff'), { recursive: true });
  mkdirSync(join(root, ov, 'l'), { recursive: true });
  symlinkSync(`../${img}/diff`, join(root, ov, 'l', 'IMG'));
  put(
    root,
    '/var/lib/containers/storage/overlay-layers/layers.json',
    JSON.stringify([{ id: img, 'diff-digest': `sha256:${hex('9')}`, 'compressed-diff-digest': `sha256:${hex('8')}` }, { id: ctr }]),
  );
  for (const adapter of [podmanAdapter, crioAdapter]) {
    const names = adapter.imageLayers!([`${ov}/l/IMG`, `${ov}/${ctr}/diff`, `${ov}/l/MISSING`], { ...ctx, memo: new Map() });
    assert.deepEqual(names[0], { path: `${ov}/${img}/diff`, storeId: img, digest: `sha256:${hex('9')}` });
    assert.match(names[1].note!, /no diff digest/);
    assert.deepEqual(names[2], {});
  }
  put(root, '/var/lib/containers/storage/overlay-layers/layers.json', '[{"id": ');
  const broken = podmanAdapter.imageLayers!([`${ov}/l/IMG`], { ...ctx, memo: new Map() });
  assert.match(broken[0].note!, /not in the storage's layers.json/);
  assert.equal(notes.length, 1);
});

test("tctop's own store: the diff ID is the layer's directory name", (t) => {
  const { ctx } = fixtureRoot(t);
  const names = tctopAdapter.imageLayers!([`/var/lib/tctop/images/layers/sha256/${hex('a')}/root`, '/elsewhere/root'], ctx);
  assert.deepEqual(names, [{ digest: `sha256:${hex('a')}`, storeId: hex('a').slice(0, 12) }, {}]);
});

test('containerd: the snapshot number, and why there is no digest', (t) => {
  const { ctx } = fixtureRoot(t);
  const names = containerdAdapter.imageLayers!(['/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/17/fs'], ctx);
  assert.equal(names[0].storeId, '17');
  assert.equal(names[0].digest, undefined);
  assert.match(names[0].note!, /bolt database/);
});
