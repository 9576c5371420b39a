// The locks: mutual exclusion under contention (the library path), compatibility with proper-lockfile holders, and a
// crashed holder's stale lock taken over.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import lockfile from 'proper-lockfile';
import { withContainerLock, withNamesLock } from '../../../../src/engine/containers/locks.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('holders never overlap, contended or not, and each lock is released', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-locks-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      withNamesLock(root, async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(10);
        order.push(i);
        inside--;
      }),
    ),
  );
  assert.equal(most, 1);
  assert.equal(order.length, 8);
  assert.equal(await lockfile.check(join(root, 'locks', 'names'), { realpath: false }), false, 'released');
  // different containers do not wait for each other
  const t0 = Date.now();
  await Promise.all(['a', 'b', 'c'].map((id) => withContainerLock(root, id.repeat(64), () => sleep(100))));
  assert.ok(Date.now() - t0 < 250);
});

test('a lock held through proper-lockfile is respected; a stale one (crashed holder) is taken over', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-locks-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'locks'));
  const release = await lockfile.lock(join(root, 'locks', 'names'), { realpath: false, stale: 10_000 });
  let got = false;
  const waiting = withNamesLock(root, async () => {
    got = true;
  });
  await sleep(150);
  assert.equal(got, false, 'waits for the library holder');
  await release();
  await waiting;
  assert.equal(got, true);
  // a crashed holder: the lock dir is there, its mtime long past
  mkdirSync(join(root, 'locks', 'names.lock'));
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, 'locks', 'names.lock'), past, past);
  let ran = false;
  await withNamesLock(root, async () => {
    ran = true;
  });
  assert.equal(ran, true);
});
