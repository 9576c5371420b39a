// The failure side of each host reader that had only its success side tested, built in a temp dir: what a reader
// answers for a file that is missing, truncated or garbage, and that none of them throws for the host's racing.
// (Denied reads, which need a dropped-privilege child, are in read-failure.test.ts.)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectCgroupLayout, discoveryHierarchy } from '../../../src/host/cgroupfs/layout.js';
import { SpecCache } from '../../../src/host/cgroupfs/spec-cache.js';
import { readV1Stats } from '../../../src/host/cgroupfs/v1.js';
import { isCgroup2Fs, isKernelFs } from '../../../src/host/fs-magic.js';
import { hostPaths, underRoot } from '../../../src/host/paths.js';
import { parseProcCgroup } from '../../../src/host/procfs/cgroup.js';
import { readProcHostFacts } from '../../../src/host/procfs/host.js';
import { parseNetDev } from '../../../src/host/procfs/netdev.js';
import { parseStat } from '../../../src/host/procfs/stat.js';
import { parseStatus } from '../../../src/host/procfs/status.js';
import type { ReadNote } from '../../../src/host/read-failure.js';
import { listDir, readBytes, readLink, readRecordText, readText } from '../../../src/host/read.js';
import { HostReader } from '../../../src/host/reader.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-reader-failures-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('read.ts: a missing file, link or directory is null/[] and the sink hears "vanished"; a directory read as a file throws', (t) => {
  const dir = scratch(t);
  const heard: Array<[string, string]> = [];
  const sink = (path: string, kind: string) => heard.push([path.slice(dir.length), kind]);
  assert.equal(readText(join(dir, 'a'), sink), null);
  assert.equal(readRecordText(join(dir, 'b'), sink), null);
  assert.equal(readBytes(join(dir, 'c'), 10, sink), null);
  assert.equal(readLink(join(dir, 'd'), sink), null);
  assert.deepEqual(listDir(join(dir, 'e'), sink), []);
  assert.deepEqual(heard, [
    ['/a', 'vanished'],
    ['/b', 'vanished'],
    ['/c', 'vanished'],
    ['/d', 'vanished'],
    ['/e', 'vanished'],
  ]);
  assert.throws(() => readText(dir), { code: 'EISDIR' }, 'not the host racing: an error');
});

test('fs-magic: a temp dir and a missing path are no kernel filesystem; /proc is, /proc is not cgroup2', (t) => {
  const dir = scratch(t);
  assert.deepEqual([isKernelFs(dir), isKernelFs(join(dir, 'absent')), isKernelFs('/proc')], [false, false, true]);
  assert.deepEqual([isCgroup2Fs(dir), isCgroup2Fs(join(dir, 'absent')), isCgroup2Fs('/proc')], [false, false, false]);
});

test('paths: every reader path below the root; a host path under a non-/ root', () => {
  assert.deepEqual(hostPaths('/host'), { root: '/host', proc: '/host/proc', cgroup: '/host/sys/fs/cgroup' });
  assert.equal(underRoot(hostPaths('/'), '/var/lib/docker'), '/var/lib/docker');
  assert.equal(underRoot(hostPaths('/host'), '/var/lib/docker'), '/host/var/lib/docker');
});

test('layout: an empty or missing cgroup directory is v1 with no hierarchy to walk', (t) => {
  const dir = scratch(t);
  for (const d of [dir, join(dir, 'absent')]) {
    const layout = detectCgroupLayout(d);
    assert.deepEqual([layout.version, layout.v1.size, layout.unified, discoveryHierarchy(layout)], [1, 0, undefined, undefined]);
  }
});

test('spec cache: a missing limit file is null, cached as such, and noted by no one (absence of a limit is normal)', (t) => {
  const dir = scratch(t);
  const cache = new SpecCache(60_000);
  const heard: string[] = [];
  assert.equal(
    cache.read(join(dir, 'memory.max'), (_p, kind) => heard.push(kind)),
    null,
  );
  writeFileSync(join(dir, 'memory.max'), '5\n');
  assert.equal(cache.read(join(dir, 'memory.max')), null, 'cached for the TTL');
  assert.deepEqual(heard, ['vanished'], 'told once; the reader drops vanished spec notes');
  assert.equal(new SpecCache(0).read(join(dir, 'memory.max')), '5\n');
});

test('readV1Stats: a cgroup gone from every controller has only its version and path; nothing is noted', (t) => {
  const h = new FixtureHost(t, { cgroup: 'hybrid', v1Mounts: 'separate' });
  h.build();
  const r = new HostReader(hostPaths(h.root));
  const layout = detectCgroupLayout(h.path('/sys/fs/cgroup'));
  assert.deepEqual(
    readV1Stats(r, layout, () => '/docker/gone', 100),
    { version: 1, path: '/docker/gone' },
  );
  assert.deepEqual(r.takeNotes(), []);
});

test('host facts: an empty /proc reads as zeros and empty names, never a throw', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'proc'));
  const r = new HostReader(hostPaths(dir));
  assert.deepEqual(readProcHostFacts(r), {
    hostname: '',
    kernel: '',
    cpuCores: 0,
    cpuTotalTicks: 0,
    cpuIdleTicks: 0,
    bootTimeSeconds: 0,
    memoryBytes: 0,
    memAvailableBytes: 0,
  });
  assert.deepEqual(r.takeNotes(), [] as ReadNote[], 'a missing host file is not a vanished process');
});

test('parsers on garbage: stat without its parentheses or cut short is null; cgroup, status and net/dev skip what they do not know', () => {
  assert.equal(parseStat('123 no parens here'), null);
  assert.equal(parseStat('123 (sh) S 1 2'), null, 'cut before rss');
  assert.deepEqual(parseProcCgroup('garbage\n\n0::/ok\nx:y\n'), [{ hierarchy: 0, controllers: [], path: '/ok' }]);
  assert.deepEqual(parseStatus('nothing useful\n'), { tgid: -1, nsPids: [], uid: -1 });
  const none = parseNetDev('header\nheader\nno colon here\n');
  assert.deepEqual([none.rxBytes, none.txBytes, none.interfaces], [0, 0, []]);
});
