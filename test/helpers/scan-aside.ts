// The one-shot scan that reads the PID namespaces aside (native/build/tctop-pidns) must see exactly what the plain
// scan sees: every fixture host checks it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listPids } from '../../src/host/procfs/process.js';
import { readNamespace } from '../../src/host/procfs/namespaces.js';
import { readPidNamespacesAside } from '../../src/host/procfs/pidns-aside.js';
import { listDir } from '../../src/host/read.js';
import type { HostSnapshot } from '../../src/snapshot/model.js';
import { scanHost, scanHostAside, type ScanOptions } from '../../src/snapshot/scanner.js';

const timeless = (s: HostSnapshot) => ({ ...s, takenAt: 0, monotonic: 0, scanDurationSeconds: 0 });

export async function assertAsideScanAgrees(root: string, options: ScanOptions = {}): Promise<void> {
  const proc = join(root, 'proc');
  const table = await readPidNamespacesAside(proc);
  assert.ok(table, 'the native helper ran');
  const pids = listPids(listDir(proc));
  assert.deepEqual([...table.keys()].sort((a, b) => a - b), pids.sort((a, b) => a - b), 'every PID, as readdir lists them');
  for (const pid of pids) assert.equal(table.get(pid), readNamespace(proc, pid, 'pid'), `PID ${pid}: the same namespace as a readlink here`);
  const plain = scanHost({ ...options, root });
  const aside = await scanHostAside({ ...options, root });
  assert.deepEqual(timeless(aside), timeless(plain));
  // without the helper it falls back to reading them itself
  assert.deepEqual(timeless(await scanHostAside({ ...options, root }, '/nonexistent/tctop-pidns')), timeless(plain));
}
