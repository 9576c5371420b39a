// The detail view's per-container series (container-history.ts): bounded rings keyed by container ID.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerHistory } from '../../../src/tui/container-history.js';

test('container history: each series its last `length` values, oldest first, through many trims', () => {
  const h = new ContainerHistory(4);
  for (let i = 1; i <= 23; i++) {
    h.record('c1', { cpu: i, mem: 100 + i });
    const n = Math.min(i, 4);
    assert.deepEqual(
      h.get('c1', 'cpu'),
      Array.from({ length: n }, (_, k) => i - n + 1 + k),
      `cpu after ${i}`,
    );
    assert.deepEqual(
      h.get('c1', 'mem'),
      Array.from({ length: n }, (_, k) => 100 + i - n + 1 + k),
      `mem after ${i}`,
    );
  }
});

test('container history: an absent value records nothing (no rate before a baseline), other series go on', () => {
  const h = new ContainerHistory(10);
  h.record('c1', { cpu: 5, mem: 7 }); // the first tick: no rates yet
  h.record('c1', { cpu: 6, mem: 8, netrx: 1, nettx: 2, ioread: 3, iowrite: 0 });
  assert.deepEqual(h.get('c1', 'cpu'), [5, 6]);
  assert.deepEqual(h.get('c1', 'netrx'), [1]);
  assert.deepEqual(h.get('c1', 'iowrite'), [0], 'zero is a value');
  assert.deepEqual(h.get('c2', 'cpu'), [], 'a container never recorded');
});

test('container history: series are per container, and retain forgets the containers that are gone', () => {
  const h = new ContainerHistory(3);
  h.record('a', { cpu: 1 });
  h.record('b', { cpu: 2 });
  h.record('c', { cpu: 3 });
  h.retain(new Set(['a', 'c']));
  assert.equal(h.containers, 2);
  assert.deepEqual(h.get('a', 'cpu'), [1]);
  assert.deepEqual(h.get('b', 'cpu'), []);
  assert.deepEqual(h.get('c', 'cpu'), [3]);
  const copy = h.get('a', 'cpu') as number[];
  copy.push(99);
  assert.deepEqual(h.get('a', 'cpu'), [1], 'what get returns is a copy');
});
