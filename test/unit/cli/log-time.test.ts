// docker logs -t prints a record's time with nine fraction digits; json-file keeps Go's RFC3339Nano, which trims.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerLogTime } from '../../../src/cli/commands/engine/other-logs.js';

test('log times as docker logs -t prints them: nine fraction digits, zone kept', () => {
  assert.equal(dockerLogTime('2026-12-02T15:55:34.91553339Z'), '2026-12-02T15:55:34.915533390Z');
  assert.equal(dockerLogTime('2026-12-02T15:55:34.915533390Z'), '2026-12-02T15:55:34.915533390Z');
  assert.equal(dockerLogTime('2026-12-02T15:55:34Z'), '2026-12-02T15:55:34.000000000Z');
  assert.equal(dockerLogTime('2026-12-02T15:55:34.5+01:00'), '2026-12-02T15:55:34.500000000+01:00');
  assert.equal(dockerLogTime('not a time'), 'not a time');
});
