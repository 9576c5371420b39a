// Bridge networking for real: an httpd in a container answering on its published port from the host (127.0.0.1,
// the bridge's address, the host's own), two containers reaching each other by address, container:<ref> sharing a
// namespace, -P, `tctop port` and ps's PORTS, and every bad input refused whole. Traffic goes only to loopback, the
// host's own addresses and the containers' addresses.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { busyboxTarball, IMAGE, newEngine, type Engine } from './engine-harness.js';
import { freePort, hostAddress, httpGet, httpGetSoon, networkLeftovers, networkMissing, NOTHING_LEFT } from './engine-network-harness.js';

/** busybox httpd serving the container's /etc: GET /hostname answers with its hostname. */
function httpd(e: Engine, flags: string[]): string {
  return e.runDetached([...flags, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/etc']);
}

test('an httpd answers on its published port via 127.0.0.1, the bridge and the host address; port and ps show it', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const port = await freePort();
  const id = httpd(e, ['--name', 'web', '--hostname', 'webhost', '-p', `${port}:80`]);
  const net = e.state(id)!.net;
  assert.equal(net.mode, 'bridge');
  assert.match(net.address, /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(await httpGetSoon('127.0.0.1', port, '/hostname'), 'webhost\n');
  assert.equal(await httpGet(net.gateway, port, '/hostname'), 'webhost\n', 'via the bridge address');
  const host = hostAddress();
  if (host) assert.equal(await httpGet(host, port, '/hostname'), 'webhost\n', `via the host address ${host}`);
  assert.equal(await httpGet(net.address, 80, '/hostname'), 'webhost\n', 'the container address itself');
  // inside: eth0 with its address, a default route via the bridge, /etc/hosts naming it
  const inside = e.ok(['exec', 'web', 'sh', '-c', 'ip -4 -o addr show eth0; ip route; cat /etc/hosts']);
  assert.match(inside, new RegExp(`inet ${net.address.replace(/\./g, '\\.')}/${net.prefix}`));
  assert.match(inside, new RegExp(`default via ${net.gateway.replace(/\./g, '\\.')} dev eth0`));
  assert.match(inside, new RegExp(`^${net.address.replace(/\./g, '\\.')}\twebhost$`, 'm'));
  assert.equal(e.ok(['port', 'web']), `80/tcp -> 0.0.0.0:${port}\n`);
  assert.equal(e.ok(['port', 'web', '80/tcp']), `0.0.0.0:${port}\n`);
  const none = e.tctop(['port', 'web', '81']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^tctop: no public port '81\/tcp' published for web\n$/);
  assert.equal(e.ps().find((c) => c.id === id)?.ports, `0.0.0.0:${port}->80/tcp`);
  assert.match(e.ok(['ps', '--runtime', 'tctop']), new RegExp(`PORTS[\\s\\S]*0\\.0\\.0\\.0:${port}->80/tcp`));
  // network figures come from the container's own namespace: eth0 and lo, never the host's interfaces
  const names = (e.inspect(id).network?.interfaces ?? []).map((i: { name: string }) => i.name).sort();
  assert.deepEqual(names, ['eth0', 'lo']);
  // a -p bound to 127.0.0.1 answers there only
  const lport = await freePort();
  httpd(e, ['--hostname', 'loonly', '-p', `127.0.0.1:${lport}:80`]);
  assert.equal(await httpGetSoon('127.0.0.1', lport, '/hostname'), 'loonly\n');
  await assert.rejects(httpGet(net.gateway, lport, '/hostname', 1500));
  e.ok(['rm', '-f', ...e.stateDirs()]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
  await assert.rejects(httpGet('127.0.0.1', port, '/hostname', 1500), 'the rule went with the container');
});

test("two containers reach each other by address; container:<ref> shares a running one's namespace", async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const a = httpd(e, ['--name', 'a', '--hostname', 'alpha']);
  const b = e.runDetached(['--name', 'b', IMAGE, 'sleep', '3600']);
  const [addrA, addrB] = [e.state(a)!.net.address, e.state(b)!.net.address];
  assert.notEqual(addrA, addrB);
  assert.equal(
    e.ok([
      'exec',
      'b',
      'sh',
      '-c',
      `for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://${addrA}/hostname && exit 0; sleep 0.2; done; exit 1`,
    ]),
    'alpha\n',
  );
  assert.match(e.ok(['exec', 'a', 'ping', '-c', '1', '-W', '2', addrB]), /1 packets received/);
  // a third container in a's namespace: its loopback is a's, so is its address
  const joined = e.ok([
    'run',
    '--rm',
    '--network',
    'container:a',
    IMAGE,
    'sh',
    '-c',
    'wget -q -O- http://127.0.0.1/hostname; ip -4 -o addr show eth0',
  ]);
  assert.match(joined, new RegExp(`^alpha\\n.*inet ${addrA.replace(/\./g, '\\.')}/`, 's'));
  e.ok(['stop', '-t', '1', 'b']);
  const stopped = e.tctop(['run', '--rm', '--network', 'container:b', IMAGE, 'true']);
  assert.equal(stopped.status, 1);
  assert.match(stopped.stderr, /^tctop: cannot join the network of container b \([0-9a-f]{12}\): it is not running\n$/);
  const unknown = e.tctop(['run', '--rm', '--network', 'container:nosuch', IMAGE, 'true']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^tctop: no such container: nosuch\n$/);
  e.ok(['rm', '-f', 'a', 'b']);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
  assert.deepEqual(e.stateDirs(), [], 'the refused runs created nothing');
});

test("-P publishes the image's exposed ports on free host ports", async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  e.ok(['import', '-c', 'EXPOSE 80/tcp 8125/udp', busyboxTarball(), 'exposing:1']);
  const id = e.runDetached(['--hostname', 'pub', '-P', 'exposing:1', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  const lines = e.ok(['port', id]).trim().split('\n');
  assert.equal(lines.length, 2, lines.join('\n'));
  const tcp = /^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines[0]);
  assert.ok(tcp && Number(tcp[1]) >= 1024, lines[0]);
  assert.match(lines[1], /^8125\/udp -> 0\.0\.0\.0:\d+$/);
  assert.equal(await httpGetSoon('127.0.0.1', Number(tcp![1]), '/hostname'), 'pub\n');
  e.ok(['rm', '-f', id]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);
});

test('bad input: a port in use, one published twice, an exhausted subnet, bad modes and -p: one line, nothing made', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '0.0.0.0', () => r()));
  t.after(() => busy.close());
  const busyPort = (busy.address() as { port: number }).port;
  const inUse = e.tctop(['run', '-d', '-p', `${busyPort}:80`, IMAGE, 'sleep', '60']);
  assert.equal(inUse.status, 1);
  assert.equal(inUse.stderr, `tctop: cannot publish 0.0.0.0:${busyPort}/tcp: port ${busyPort}/tcp is already in use on the host\n`);
  const port = await freePort();
  e.runDetached(['-p', `${port}:80`, IMAGE, 'sleep', '60']);
  const twice = e.tctop(['run', '-d', '-p', `${port + 0}:81`, IMAGE, 'sleep', '60']);
  assert.equal(twice.status, 1);
  assert.match(
    twice.stderr,
    new RegExp(`^tctop: cannot publish 0\\.0\\.0\\.0:${port}/tcp: port ${port}/tcp is already published by another container\\n$`),
  );
  for (const [args, code, message] of [
    [['--network', 'overlay'], 2, /^tctop: invalid --network "overlay": use bridge, none, host or container:<name\|id>\n$/],
    [['-p', '80-90:80'], 2, /^tctop: invalid -p "80-90:80": bad host port "80-90" \(port ranges are not supported\)\n$/],
    [['-p', '8080:80/sctp'], 2, /^tctop: invalid -p "8080:80\/sctp": protocol must be tcp or udp\n$/],
    [['-p', '999999:80'], 2, /^tctop: invalid -p "999999:80": bad host port "999999"\n$/],
    [['-p', 'nohost:8080:80'], 2, /^tctop: invalid -p "nohost:8080:80": bad host address "nohost" \(IPv4 only\)\n$/],
    [
      ['--network', 'host', '-p', '8080:80'],
      2,
      /^tctop: conflicting options: port publishing \(-p\/-P\) needs --network bridge, not host\n$/,
    ],
  ] as const) {
    const r = e.tctop(['run', '-d', ...args, IMAGE, 'true']);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(e.stateDirs().length, 1, 'only the one good container exists');
  e.ok(['rm', '-f', ...e.stateDirs()]);
  assert.deepEqual(networkLeftovers(e), NOTHING_LEFT);

  // a /30: the gateway and one container; the second finds no address, and leaves nothing
  const small = newEngine(t);
  small.env.TCTOP_NETWORK_SUBNET = `10.252.${Math.floor(Math.random() * 250)}.0/30`;
  small.runDetached([IMAGE, 'sleep', '60']);
  const full = small.tctop(['run', '-d', IMAGE, 'sleep', '60']);
  assert.equal(full.status, 1);
  assert.match(
    full.stderr,
    /^tctop: no free address left in subnet 10\.252\.\d+\.0\/30 \(1 leased\): remove containers or set a larger TCTOP_NETWORK_SUBNET\n$/,
  );
  assert.equal(small.stateDirs().length, 1);
  small.ok(['rm', '-f', ...small.stateDirs()]);
  assert.deepEqual(networkLeftovers(small), NOTHING_LEFT);
});
