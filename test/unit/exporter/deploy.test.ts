// The fleet manifests agree with the exporter: default port, --root /host, read-only host mounts, host PID namespace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_PORT } from '../../../src/exporter/listen-address.js';

const DEPLOY = new URL('../../../../dashboards/deploy/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, DEPLOY), 'utf8');

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

test('DaemonSet: hostPID, read-only host mounts under /host, default port, no privilege', () => {
  const docs = parseAllDocuments(read('daemonset.yaml')).map((d) => d.toJS());
  const ds = docs.find((d) => d.kind === 'DaemonSet');
  const pod = ds.spec.template.spec;
  assert.equal(pod.hostPID, true);
  const c = pod.containers[0];
  assert.deepEqual(c.args.slice(0, 5), ['serve', '--listen', `:${DEFAULT_PORT}`, '--root', '/host']);
  assert.equal(c.ports[0].containerPort, DEFAULT_PORT);
  assert.notEqual(c.securityContext.privileged, true);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  const mounts = c.volumeMounts as Mount[];
  for (const m of mounts) {
    assert.equal(m.readOnly, true, m.name);
    assert.ok(m.mountPath.startsWith('/host/'), m.mountPath);
    assert.ok(
      pod.volumes.some((v: { name: string }) => v.name === m.name),
      m.name,
    );
  }
  for (const needed of ['/host/proc', '/host/sys/fs/cgroup'])
    assert.ok(
      mounts.some((m) => m.mountPath === needed),
      needed,
    );
});

test('Prometheus scrape config and systemd unit use the default port', () => {
  const cfg = parse(read('prometheus-scrape.yaml'));
  assert.ok(cfg.scrape_configs[0].static_configs[0].targets.every((t: string) => t.endsWith(`:${DEFAULT_PORT}`)));
  assert.match(read('tctop-serve.service'), new RegExp(`--listen=:${DEFAULT_PORT}`));
  assert.match(read('tctop-serve.service'), /^ExecStart=\/usr\/local\/bin\/tctop serve /m);
});
