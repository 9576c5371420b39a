import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { etcFiles, STOCK_HOSTS, withoutLoopbackNameservers, writeEtcFiles } from '../../../../src/engine/containers/etc-files.js';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-etc-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('resolv.conf for a namespace of its own drops loopback nameservers (systemd-resolved stub, dnsmasq) and keeps the rest', () => {
  const host =
    '# generated\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 10.0.0.2\nnameserver 1270::1\nsearch example.com\noptions edns0\n';
  assert.equal(
    withoutLoopbackNameservers(host),
    '# generated\nnameserver 10.0.0.2\nnameserver 1270::1\nsearch example.com\noptions edns0\n',
  );
});

test('the files per network mode; a volume on a path keeps ours out; written 0644 in the state dir', (t) => {
  const hostEtc = scratch(t);
  writeFileSync(join(hostEtc, 'hosts'), '127.0.0.1 localhost\n10.1.1.1 build-host\n');
  writeFileSync(join(hostEtc, 'resolv.conf'), 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n');
  const none = Object.fromEntries(etcFiles('box1', 'none', hostEtc).map((f) => [f.destination, f.content]));
  assert.deepEqual(none, { '/etc/hostname': 'box1\n', '/etc/hosts': STOCK_HOSTS, '/etc/resolv.conf': 'nameserver 10.0.0.2\n' });
  const host = Object.fromEntries(etcFiles('box1', 'host', hostEtc).map((f) => [f.destination, f.content]));
  assert.deepEqual(host, {
    '/etc/hostname': 'box1\n',
    '/etc/hosts': '127.0.0.1 localhost\n10.1.1.1 build-host\n',
    '/etc/resolv.conf': 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n',
  });
  // a host without the files: stock hosts, an empty resolv.conf
  const bare = Object.fromEntries(etcFiles('b', 'host', join(hostEtc, 'missing')).map((f) => [f.destination, f.content]));
  assert.deepEqual([bare['/etc/hosts'], bare['/etc/resolv.conf']], [STOCK_HOSTS, '']);

  const state = scratch(t);
  const binds = writeEtcFiles(state, 'box1', 'none', [{ source: '/srv/hosts', destination: '/etc/hosts', readOnly: true }], hostEtc);
  assert.deepEqual(binds, [
    { source: join(state, 'hostname'), destination: '/etc/hostname', readOnly: false },
    { source: join(state, 'resolv.conf'), destination: '/etc/resolv.conf', readOnly: false },
  ]);
  assert.equal(readFileSync(join(state, 'hostname'), 'utf8'), 'box1\n');
  assert.equal(statSync(join(state, 'resolv.conf')).mode & 0o777, 0o644);
});
