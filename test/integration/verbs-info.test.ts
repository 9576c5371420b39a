// `tctop info` against `docker info` on the same host: kernel, OS, CPUs, memory, cgroup version and driver, counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent, TEST_IMAGE } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';
import { tctop } from '../helpers/runtimes.js';

test('info agrees with docker info', { timeout: 60_000 }, (t) => {
  if (missing(t, isRoot(), 'root')) return;
  if (missing(t, dockerAvailable(), 'a running dockerd (bash test/prereqs.sh)')) return;
  if (missing(t, testImagePresent(), `image ${TEST_IMAGE} (bash test/prereqs.sh)`)) return;
  const name = `tctop-info-${process.pid}`;
  t.after(() => dockerRm(name, `${name}-x`));
  dockerRun(name, [], ['sleep', '1000']);
  dockerRun(`${name}-x`, [], ['true']);
  sh('docker', ['wait', `${name}-x`]);
  const [driver, version, kernel, os, ncpu, mem] = sh('docker', [
    'info',
    '--format',
    '{{.CgroupDriver}}|{{.CgroupVersion}}|{{.KernelVersion}}|{{.OperatingSystem}}|{{.NCPU}}|{{.MemTotal}}',
  ])
    .trim()
    .split('|');
  const r = JSON.parse(tctop('info', '--json').stdout);
  assert.equal(r.kernel, kernel);
  assert.equal(r.os, os);
  assert.equal(r.cpus, Number(ncpu));
  assert.equal(r.memoryBytes, Number(mem));
  assert.equal(r.cgroupVersion === 'hybrid' ? '1' : String(r.cgroupVersion), version);
  const docker = r.runtimes.find((x: { name: string }) => x.name === 'docker');
  const ps = sh('docker', ['ps', '-a', '-q']).trim().split('\n').filter(Boolean).length;
  const running = sh('docker', ['ps', '-q']).trim().split('\n').filter(Boolean).length;
  assert.equal(docker.containers, ps, 'every docker container, stopped ones included');
  assert.equal(docker.running, running);
  assert.deepEqual(docker.cgroupDrivers, [driver], "docker's cgroup driver, read from its cgroup names");
  const text = tctop('info');
  assert.equal(text.status, 0);
  assert.match(text.stdout, new RegExp(`^Kernel Version: ${kernel.replace(/[.+]/g, '\\$&')}$`, 'm'));
  assert.match(text.stdout, /^ docker: \d+ \(running \d+, paused \d+, stopped \d+\), cgroup driver cgroupfs|systemd/m);
  const bad = tctop('info', '--root', '/nonexistent-root-xyz');
  assert.notEqual(bad.status, 0);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});
