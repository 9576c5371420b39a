// The one-shot scan that reads the PID namespaces aside (native/build/tctop-pidns) must see exactly what the plain
// scan sees: every fixture host checks it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listPids } from '../../src/host/procfs/process.js';
import { readNamespace } from '../../src/host/procfs/namespaces.js';
import { readPidNamespacesAside } from '../../src/host/procfs/pidns-aside.js';
import { readHostNamespaces } from '../../src/discovery/host-namespaces.js';
import { listDir } from '../../src/host/read.js';
import { hostPaths } from '../../src/host/paths.js';
import { HostReader } from '../../src/host/reader.js';
import type { HostSnapshot } from '../../src/snapshot/model.js';
import { scanHost, scanHostAside, type ScanOptions } from '../../src/snapshot/scanner.js';

const timeless = (s: HostSnapshot) => ({ ...s, takenAt: 0, monotonic: 0, scanDurationSeconds: 0 });

export async function assertAsideScanAgrees(root: string, options: ScanOptions = {}): Promise<void> {
  const proc = join(root, 'proc');
  const reader = new HostReader(hostPaths(root));
  const hostPidns = readHostNamespaces(reader).namespaces.pid;
  const survey = await readPidNamespacesAside(proc, hostPidns);
  assert.ok(survey, 'the native helper ran');
  const pids = listPids(listDir(proc));
  assert.equal(survey.processCount, pids.length, 'every process counted, as readdir lists them');
  // (the helper also passes on links it cannot tell from the host's by their text alone: the scan parses and drops them)
  const isOutside = ([, ns]: readonly [number, number | undefined]) => hostPidns !== undefined && ns !== undefined && ns !== hostPidns;
  const outside = pids.map((pid) => [pid, readNamespace(reader, pid, 'pid')] as const).filter(isOutside);
  const listed = [...survey.outsideHost].filter(isOutside);
  assert.deepEqual(
    listed.sort((a, b) => a[0] - b[0]),
    outside.sort((a, b) => a[0] - b[0]),
    'exactly the processes outside, with the namespace a readlink here gives',
  );
  const plain = scanHost({ ...options, root });
  const aside = await scanHostAside({ ...options, root });
  assert.deepEqual(timeless(aside), timeless(plain));
  // without the helper it falls back to reading them itself
  assert.deepEqual(timeless(await scanHostAside({ ...options, root }, '/nonexistent/tctop-pidns')), timeless(plain));
  // a caller not answered by the container cgroups alone gets the whole scan
  assert.deepEqual(timeless(await scanHostAside({ ...options, root }, undefined, () => false)), timeless(plain));
  // one that is gets those containers exactly as the whole scan has them, and no others
  let offered: string[] = [];
  const partial = await scanHostAside({ ...options, root }, undefined, (found) => {
    offered = found.map((c) => c.id);
    return true;
  });
  assert.equal(partial.partial, true);
  assert.deepEqual(partial.containers.map((c) => c.id).sort(), [...offered].sort());
  const whole = new Map(plain.containers.map((c) => [c.id, c]));
  for (const c of partial.containers) assert.deepEqual(c, whole.get(c.id), `container ${c.id} as the whole scan has it`);
  // what it lacks, the namespace pass finds (sandboxes, nspawn machines, runc containers outside container cgroups)
  if (plain.containers.some((c) => c.runtime === 'sandbox'))
    assert.ok(!partial.containers.some((c) => c.runtime === 'sandbox'), 'no sandbox without the namespace pass');
}
