import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostRoutes, pickSubnet } from '../../../../src/engine/network/config.js';
import { formatIp, gatewayOf, lastHostOf, parseIp, parseSubnet } from '../../../../src/engine/network/ipv4.js';
import { parseNetworkMode } from '../../../../src/engine/network/mode.js';
import { baseScript, portRules } from '../../../../src/engine/network/nft.js';
import { exposedPorts, parsePublish } from '../../../../src/engine/network/ports.js';
import { portsCell } from '../../../../src/report/ports-cell.js';
import type { Container } from '../../../../src/snapshot/model.js';

test('-p forms as docker reads them', () => {
  assert.deepEqual(parsePublish('8080:80'), { hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' });
  assert.deepEqual(parsePublish('127.0.0.1:9000:9000/udp'), { hostIp: '127.0.0.1', hostPort: 9000, containerPort: 9000, proto: 'udp' });
  assert.deepEqual(parsePublish('80'), { hostIp: '', hostPort: 0, containerPort: 80, proto: 'tcp' });
  assert.deepEqual(parsePublish('10.0.0.1::53/udp'), { hostIp: '10.0.0.1', hostPort: 0, containerPort: 53, proto: 'udp' });
  assert.deepEqual(parsePublish('0.0.0.0:1:2'), { hostIp: '', hostPort: 1, containerPort: 2, proto: 'tcp' });
  for (const bad of ['', '0:80', '80:0', '65536:80', 'x:80', '1:2:3:4', '80/sctp', '8000-8010:80', '300.1.1.1:80:80', '[::1]:80:80'])
    assert.throws(() => parsePublish(bad), /invalid -p/, bad);
});

test('EXPOSE keys for -P: tcp by default, udp kept, junk and ranges skipped', () => {
  assert.deepEqual(
    exposedPorts({ '80/tcp': {}, '53/udp': {}, '8080': {}, '1-2/tcp': {}, '99999/tcp': {}, '5/sctp': {} })
      .map((p) => `${p.containerPort}/${p.proto}`)
      .sort(),
    ['53/udp', '80/tcp', '8080/tcp'],
  );
  assert.deepEqual(exposedPorts(null), []);
});

test('subnets, gateways, the last host', () => {
  const s = parseSubnet('10.88.0.0/16', 'test');
  assert.equal(formatIp(gatewayOf(s)), '10.88.0.1');
  assert.equal(formatIp(lastHostOf(s)), '10.88.255.254');
  assert.equal(formatIp(lastHostOf(parseSubnet('192.168.1.0/30', 'test'))), '192.168.1.2');
  assert.equal(parseIp('256.0.0.1'), null);
  for (const bad of ['10.88.0.1/16', '10.0.0.0/31', '10.0.0.0', 'x/8', '10.0.0.0/7'])
    assert.throws(() => parseSubnet(bad, 'test'), /invalid subnet/, bad);
});

test('/proc/net/route: the first candidate no route overlaps; a bridge keeps its own', () => {
  const table = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'cni0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    'tctop0\t0000590A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  ].join('\n');
  const routes = hostRoutes(table);
  assert.deepEqual(
    routes.map((r) => `${r.iface} ${formatIp(r.subnet.base)}/${r.subnet.prefix}`),
    ['eth0 192.0.2.0/24', 'cni0 10.88.0.0/16', 'tctop0 10.89.0.0/16'],
  );
  assert.equal(formatIp(pickSubnet('other0', routes).base), '10.90.0.0', 'the default route does not count; 10.88 and 10.89 are taken');
  assert.equal(formatIp(pickSubnet('tctop0', routes).base), '10.89.0.0');
});

test('--network modes', () => {
  assert.equal(parseNetworkMode('bridge'), 'bridge');
  assert.equal(parseNetworkMode('default'), 'bridge');
  assert.equal(parseNetworkMode('container:web'), 'container:web');
  for (const bad of ['container:', 'overlay', '', 'Host']) assert.throws(() => parseNetworkMode(bad), /invalid --network/, bad);
});

test("nft: rules in tctop's own table only, each marked with its container", () => {
  const id = 'a'.repeat(64);
  const base = baseScript('tctop0', 'tctop0', parseSubnet('10.88.0.0/16', 't'));
  for (const line of base.split('\n').filter(Boolean)) assert.match(line, /^(add|flush) (table|chain|rule) ip tctop0\b/);
  assert.match(base, /ip saddr 10\.88\.0\.0\/16 oifname != "tctop0" masquerade/);
  assert.equal(
    portRules('tctop0', id, '10.88.0.2', [
      { hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, proto: 'udp' },
    ]),
    `add rule ip tctop0 ports tcp dport 8080 dnat to 10.88.0.2:80 comment "tctop:${id}"\nadd rule ip tctop0 ports ip daddr 127.0.0.1 udp dport 53 dnat to 10.88.0.2:53 comment "tctop:${id}"\n`,
  );
});

test("PORTS cell in docker's format; malformed entries left out", () => {
  const c = {
    extra: {
      ports: [
        { hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: '::', hostPort: 8080, containerPort: 80, proto: 'tcp' },
        { hostIp: '', hostPort: 0, containerPort: 53, proto: 'udp' },
        { hostIp: '\x1b[31m', hostPort: 1, containerPort: 1, proto: 'tcp' },
        'junk',
      ],
    },
  } as unknown as Container;
  assert.equal(portsCell(c), '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 53/udp');
  assert.equal(portsCell({ extra: {} } as unknown as Container), '');
});
