import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerAdapter } from '../../../src/discovery/adapters/docker.js';
import { conmonLogSource, criLogSource } from '../../../src/discovery/adapters/log-sources.js';
import { parseCriLine } from '../../../src/engine/containers/log-reader.js';
import { hostPaths } from '../../../src/host/paths.js';
import { HostReader } from '../../../src/host/reader.js';
import type { Container } from '../../../src/snapshot/model.js';

const ctr = (over: Partial<Container>): Container => ({
  id: 'a'.repeat(64),
  name: 'web',
  runtime: 'containerd',
  image: '',
  state: 'running',
  labels: {},
  shim: null,
  init: null,
  pids: [],
  namespaces: [],
  cgroup: null,
  network: null,
  startedAt: null,
  createdAt: null,
  extra: {},
  ...over,
});

test('CRI lines: stream, time, full and partial records', () => {
  assert.deepEqual(parseCriLine('2026-12-02T07:00:00.123456789Z stdout F hello world'), {
    stream: 'stdout',
    text: 'hello world\n',
    time: '2026-12-02T07:00:00.123456789Z',
  });
  assert.deepEqual(parseCriLine('2026-12-02T07:00:00Z stderr P part'), { stream: 'stderr', text: 'part', time: '2026-12-02T07:00:00Z' });
  assert.deepEqual(parseCriLine('2026-12-02T07:00:00Z stdout F '), { stream: 'stdout', text: '\n', time: '2026-12-02T07:00:00Z' });
  assert.equal(parseCriLine('garbage'), null);
});

test("the kubelet's pod log layout: the newest restart's file; none outside Kubernetes", (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-podlogs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'var/log/pods/default_web-7d4_0f1c2d/nginx');
  mkdirSync(dir, { recursive: true });
  for (const f of ['0.log', '2.log', '10.log']) writeFileSync(join(dir, f), '');
  const paths = hostPaths(root);
  const ctx = { paths, reader: new HostReader(paths), memo: new Map(), note: () => undefined };
  const labels = { 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.name': 'web-7d4', 'io.kubernetes.container.name': 'nginx' };
  assert.deepEqual(criLogSource(ctr({ labels }), ctx, 'containerd'), {
    path: '/var/log/pods/default_web-7d4_0f1c2d/nginx/10.log',
    format: 'cri',
  });
  assert.match((criLogSource(ctr({}), ctx, 'containerd') as { unreadable: string }).unreadable, /outside Kubernetes/);
  assert.match(
    (criLogSource(ctr({ labels: { ...labels, 'io.kubernetes.container.name': 'gone' } }), ctx, 'containerd') as { unreadable: string })
      .unreadable,
    /no CRI log/,
  );
});

test("conmon's log path: k8s-file, a bare path, journald", () => {
  const shim = (command: string) => ctr({ runtime: 'podman', shim: { pid: 1, command } });
  assert.deepEqual(
    conmonLogSource(shim('/usr/bin/conmon --api-version 1 -c abc -l k8s-file:/var/lib/containers/x/ctr.log --log-level warning'), 'podman'),
    { path: '/var/lib/containers/x/ctr.log', format: 'cri' },
  );
  assert.deepEqual(conmonLogSource(shim('conmon --log-path /var/log/crio/x.log'), 'CRI-O'), { path: '/var/log/crio/x.log', format: 'cri' });
  assert.match((conmonLogSource(shim('conmon -l journald:'), 'podman') as { unreadable: string }).unreadable, /journald/);
});

test("docker's local driver: local-logs/container.log, its rotated files oldest first (.gz or not)", (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tctop-docker-local-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const id = 'b'.repeat(64);
  const dir = join(root, 'var/lib/docker/containers', id);
  mkdirSync(join(dir, 'local-logs'), { recursive: true });
  writeFileSync(join(dir, 'hostconfig.json'), JSON.stringify({ LogConfig: { Type: 'local', Config: {} } }));
  writeFileSync(join(dir, 'config.v2.json'), JSON.stringify({ LogPath: '' }));
  for (const f of ['container.log', 'container.log.1', 'container.log.1.gz', 'container.log.2.gz', 'container.log.10.gz', 'other'])
    writeFileSync(join(dir, 'local-logs', f), '');
  const paths = hostPaths(root);
  const ctx = { paths, reader: new HostReader(paths), memo: new Map(), note: () => undefined };
  const logs = `/var/lib/docker/containers/${id}/local-logs`;
  assert.deepEqual(dockerAdapter.logSource!(ctr({ id, runtime: 'docker' }), ctx), {
    path: `${logs}/container.log`,
    format: 'docker-local',
    rotated: [`${logs}/container.log.10.gz`, `${logs}/container.log.2.gz`, `${logs}/container.log.1`],
  });
});
