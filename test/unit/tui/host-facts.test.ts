import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCpuModel } from '../../../src/host/procfs/cpuinfo.js';
import { loadHostFacts } from '../../../src/tui/host-facts.js';

test('header facts come from the host under --root, not from the machine tctop runs on', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-facts-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'proc'));
  writeFileSync(join(root, 'etc/os-release'), 'NAME="Fedora Linux"\nPRETTY_NAME="Fedora Linux 41 (Server Edition)"\n');
  writeFileSync(
    join(root, 'proc/cpuinfo'),
    'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338\n\nprocessor\t: 1\n',
  );
  assert.deepEqual(loadHostFacts(root), { os: 'Fedora Linux 41 (Server Edition)', cpuModel: 'Intel(R) Xeon(R) Gold 6338' });
  const bare = mkdtempSync(join(tmpdir(), 'tctop-facts-'));
  t.after(() => rmSync(bare, { recursive: true, force: true }));
  assert.deepEqual(loadHostFacts(bare), { os: undefined, cpuModel: undefined }, 'nothing there: the header falls back');
});

test('cpuinfo: x86 model name, arm64 and s390 naming', () => {
  assert.equal(parseCpuModel('processor : 0\nmodel name : AMD EPYC\n'), 'AMD EPYC');
  assert.equal(parseCpuModel('processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nHardware\t: BCM2835\n'), 'BCM2835');
  assert.equal(parseCpuModel('nothing here'), null);
});
