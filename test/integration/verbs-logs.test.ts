// `tctop logs` of a Docker container, read from docker's json-file on disk: the same bytes as `docker logs` on
// stdout and stderr, --tail, --since, -t; a runtime that keeps no log file says so in one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { dockerAvailable, dockerRm, dockerRun, testImagePresent, TEST_IMAGE } from '../helpers/docker.js';
import { isRoot, missing, sh } from '../helpers/prereq.js';

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });

test('logs of a Docker container from disk equal docker logs, stream for stream', { timeout: 60_000 }, async (t) => {
  if (
    missing(t, isRoot(), 'root') ||
    missing(t, dockerAvailable(), 'a running dockerd') ||
    missing(t, testImagePresent(), `image ${TEST_IMAGE}`)
  )
    return;
  const name = `tctop-logs-${process.pid}`;
  t.after(() => dockerRm(name));
  dockerRun(
    name,
    [],
    ['sh', '-c', 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; printf "tail without newline"; sleep 1000'],
  );
  for (let i = 0; i < 50 && !run('docker', ['logs', name]).stdout.includes('tail without'); i++)
    await new Promise((r) => setTimeout(r, 100));
  const theirs = run('docker', ['logs', name]);
  const ours = run(process.execPath, ['bin/tctop', 'logs', name]);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, theirs.stdout);
  assert.equal(ours.stderr, theirs.stderr);
  const tail = run(process.execPath, ['bin/tctop', 'logs', '--tail', '2', name]);
  const theirTail = run('docker', ['logs', '--tail', '2', name]);
  assert.equal(tail.stdout + tail.stderr, theirTail.stdout + theirTail.stderr);
  const stamped = run(process.execPath, ['bin/tctop', 'logs', '-t', name]).stdout.split('\n')[0];
  assert.equal(stamped, run('docker', ['logs', '-t', name]).stdout.split('\n')[0], "docker's -t: RFC 3339 nano time first");
  assert.equal(
    run(process.execPath, ['bin/tctop', 'logs', '--since', '2099-01-01T00:00:00Z', name]).stdout,
    '',
    '--since in the future: nothing',
  );
  const sinceBefore = run(process.execPath, ['bin/tctop', 'logs', '--since', '10m', name]);
  assert.equal(sinceBefore.stdout, theirs.stdout);
  const id = sh('docker', ['inspect', '-f', '{{.Id}}', name]).trim();
  assert.equal(run(process.execPath, ['bin/tctop', 'logs', id.slice(0, 12)]).stdout, theirs.stdout, 'by ID prefix too');
});

test('logs of a Docker container with a driver that keeps no file: one line saying so', { timeout: 60_000 }, async (t) => {
  if (
    missing(t, isRoot(), 'root') ||
    missing(t, dockerAvailable(), 'a running dockerd') ||
    missing(t, testImagePresent(), `image ${TEST_IMAGE}`)
  )
    return;
  const name = `tctop-logs-none-${process.pid}`;
  t.after(() => dockerRm(name));
  dockerRun(name, ['--log-driver', 'none'], ['sleep', '1000']);
  const r = run(process.execPath, ['bin/tctop', 'logs', name]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "tctop: docker's none log driver keeps no file tctop can read (docker logs, or the driver's own tool)\n");
  const bad = run(process.execPath, ['bin/tctop', 'logs', '--since', 'soon', name]);
  assert.equal(bad.status, 2);
});
