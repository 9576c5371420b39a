// Docker's published ports in ps's PORTS cell, from config.v2.json's NetworkSettings.Ports (what `docker ps` shows).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portsCell } from '../../../src/report/ports-cell.js';
import { scanHost } from '../../../src/snapshot/scanner.js';
import { FixtureHost } from '../../helpers/fixture-host.js';

const ID = '9a1f5a4e9b2d7c80e6f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';
const SCOPE = `/system.slice/docker-${ID}.scope`;
const SHIM_ARGS = ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID, '-address', '/run/containerd/containerd.sock'];

test('docker: NetworkSettings.Ports become the PORTS cell; an exposed, unpublished port shows bare; junk is dropped', (t) => {
  const h = new FixtureHost(t, { cgroup: 'v2' });
  h.process({ pid: 2000, ppid: 1, comm: 'containerd-shim-runc-v2', args: SHIM_ARGS, cgroup: '/system.slice/containerd.service' });
  h.process({ pid: 2010, ppid: 2000, comm: 'httpd', args: ['httpd', '-f'], cgroup: SCOPE, nspid: [2010, 1], startTicks: 31000 });
  h.json(`/var/lib/docker/containers/${ID}/config.v2.json`, {
    ID,
    Name: '/web',
    Created: '2023-11-14T22:19:59Z',
    State: { Running: true, Pid: 2010, StartedAt: '2023-11-14T22:20:00Z' },
    Config: { Image: 'busybox', Labels: {} },
    NetworkSettings: {
      Ports: {
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: '8080' },
          { HostIp: '::', HostPort: '8080' },
        ],
        '53/udp': null,
        bogus: [{ HostIp: '1.2.3.4', HostPort: '1' }],
        '9000/tcp': [{ HostIp: '\u001b[31m', HostPort: '9000' }],
      },
    },
  });
  const snap = scanHost({ root: h.build() });
  const c = snap.containers.find((x) => x.id === ID)!;
  assert.equal(portsCell(c), '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 53/udp');
});
