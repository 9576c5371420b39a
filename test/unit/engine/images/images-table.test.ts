// `tctop images` output: one row per tag, <none> for untagged images, short IDs, ages, sizes, repository filter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byRepository, printImages } from '../../../../src/cli/commands/images/images-table.js';
import type { ImageSummary } from '../../../../src/engine/images/index.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const images: ImageSummary[] = [
  {
    id: 'sha256:' + 'a'.repeat(64),
    refs: ['web:1', 'web:latest', 'registry.local:5000/web:1'],
    created: '2024-05-01T11:00:00Z',
    size: 5 * 1024 * 1024,
    layers: 2,
  },
  { id: 'sha256:' + 'b'.repeat(64), refs: [], created: '2024-04-29T12:00:00Z', size: 512, layers: 1 },
  { id: 'sha256:' + 'c'.repeat(64), refs: ['evil\u001b[2J:x'], size: 0, layers: 1 },
];

test('a table row per tag, <none> for untagged, escaped names, docker columns', () => {
  const out = printImages(images, { json: false, quiet: false, noTrunc: false, now });
  assert.equal(
    out,
    [
      'REPOSITORY               TAG     IMAGE ID      CREATED  SIZE',
      'web                      1       aaaaaaaaaaaa  1h ago   5.0MiB',
      'web                      latest  aaaaaaaaaaaa  1h ago   5.0MiB',
      'registry.local:5000/web  1       aaaaaaaaaaaa  1h ago   5.0MiB',
      '<none>                   <none>  bbbbbbbbbbbb  2d ago   512B',
      'evil\\e[2J                x       cccccccccccc  -        0B',
      '',
    ].join('\n'),
  );
});

test('--quiet, --no-trunc and --json', () => {
  assert.equal(printImages(images, { json: false, quiet: true, noTrunc: false, now }), 'aaaaaaaaaaaa\nbbbbbbbbbbbb\ncccccccccccc\n');
  assert.ok(printImages(images, { json: false, quiet: true, noTrunc: true, now }).startsWith(`sha256:${'a'.repeat(64)}\n`));
  assert.deepEqual(JSON.parse(printImages(images, { json: true, quiet: false, noTrunc: false, now })), images);
});

test('a repository argument keeps matching tags only', () => {
  assert.deepEqual(
    byRepository(images, 'web').map((i) => i.refs),
    [['web:1', 'web:latest']],
  );
  assert.deepEqual(
    byRepository(images, 'web:latest').map((i) => i.refs),
    [['web:latest']],
  );
  assert.deepEqual(
    byRepository(images, 'registry.local:5000/web').map((i) => i.refs),
    [['registry.local:5000/web:1']],
  );
  assert.deepEqual(byRepository(images, 'other'), []);
});
