// Nothing of a container's network outlives it: 20 bridged containers with published ports started and removed,
// a SIGKILLed shim, the debris of a create or rm killed mid-way (swept by the next create), and concurrent runs
// that never share an address.
import assert from 'node:assert/strict';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { finished, IMAGE, newEngine, until } from './engine-harness.js';
import { freePort, httpGetSoon, networkLeftovers, networkMissing, NOTHING_LEFT } from './engine-network-harness.js';

test('20 bridged containers with published ports, started and removed: no veth, lease, rule or mount left', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(e.runDetached(['-p', '80', IMAGE, 'sleep', '3600']));
  const during = networkLeftovers(e);
  assert.equal(during.veths.length, 20);
  assert.equal(during.leases.length, 20);
  assert.equal(during.rules.length, 20);
  assert.equal(new Set(ids.map((id) => e.state(id)!.net.address)).size, 20, 'twenty distinct addresses');
  e.ok(['rm', '-f', ...ids.slice(0, 10)]);
  for (const id of ids.slice(10)) e.ok(['stop', '-t', '0', id]);
  e.ok(['rm', ...ids.slice(10)]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
  assert.deepEqual((await e.settled()).stateDirs, []);
});

test('a SIGKILLed shim, a create killed before its state, an rm killed mid-way: rm and the next create sweep it all', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const port = await freePort();
  const id = e.runDetached(['-p', `${port}:80`, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/etc']);
  await httpGetSoon('127.0.0.1', port, '/hostname');
  process.kill(e.state(id)!.shimPid, 'SIGKILL');
  await until(
    () => {
      try {
        process.kill(e.state(id)!.shimPid, 0);
        return false;
      } catch {
        return true;
      }
    },
    5000,
    'the shim to die',
  );
  e.ok(['rm', '-f', id]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT, 'rm -f of a container whose shim was killed');

  // a create killed after its network was made but before state.json: the state dir without state.json is what
  // that leaves (debris.ts's premise)
  // (made first: any create sweeps such debris, so the second one would sweep the first's)
  const half = e.ok(['create', '-p', `${port}:80`, IMAGE, 'sleep', '60']).trim();
  const removing = e.ok(['create', '-p', `${port + 1 > 65535 ? port - 1 : port + 1}:80`, IMAGE, 'sleep', '60']).trim();
  rmSync(join(e.root, 'containers', half, 'state.json'));
  // an rm killed after its rename, before the network went
  renameSync(join(e.root, 'containers', removing), join(e.root, 'containers', `.removing-${removing}`));
  const debris = networkLeftovers(e);
  assert.equal(debris.veths.length, 2);
  assert.equal(debris.rules.length, 2);
  assert.equal(debris.netns.length, 2);
  // the next create sweeps both, and may take the port the dead one held
  const next = e.ok(['create', '-p', `${port}:80`, IMAGE, 'true']).trim();
  const after = networkLeftovers(e);
  assert.deepEqual(after.netns, [next]);
  assert.equal(after.rules.length, 1);
  assert.deepEqual(after.veths, [`tc${next.slice(0, 12)}`]);
  assert.ok(!existsSync(join(e.root, 'containers', `.removing-${removing}`)));
  e.ok(['rm', next]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
});

test('concurrent runs get distinct addresses, each the one its namespace holds', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const runs = await Promise.all(Array.from({ length: 8 }, () => finished(e.spawn(['run', '-d', IMAGE, 'sleep', '3600']))));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const ids = runs.map((r) => r.stdout.trim());
  ids.forEach((id) => e.ids.add(id));
  const addresses = ids.map((id) => e.state(id)!.net.address as string);
  assert.equal(new Set(addresses).size, 8, `distinct: ${addresses.join(' ')}`);
  for (const [i, id] of ids.entries()) {
    assert.match(e.ok(['exec', id, 'ip', '-4', '-o', 'addr', 'show', 'eth0']), new RegExp(`inet ${addresses[i].replace(/\./g, '\\.')}/`));
  }
  e.ok(['rm', '-f', ...ids]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
});
