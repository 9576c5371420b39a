// tctop run for real: exit codes, output streams, environment/user/workdir/hostname, volumes, read-only rootfs,
// networking, -d found by discovery as runtime tctop with the shim as parent, --rm leaving nothing behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { engineMissing, finished, IMAGE, newEngine, until } from './engine-harness.js';

test("foreground run: stdout and stderr to their streams, the exit code is the container's", (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const r = e.tctop(['run', '--rm', IMAGE, 'sh', '-c', 'echo out; echo err >&2; printf "no newline"; exit 3']);
  assert.equal(r.status, 3);
  assert.equal(r.stdout, 'out\nno newline');
  assert.equal(r.stderr, 'err\n');
  assert.equal(e.tctop(['run', '--rm', IMAGE, 'true']).status, 0);
  const notFound = e.tctop(['run', '--rm', IMAGE, 'no-such-command']);
  assert.equal(notFound.status, 127);
  assert.match(notFound.stderr, /no-such-command/);
  // PID 1 cannot even SIGKILL itself from inside its namespace (as under docker); a killed command still gives 128+9
  assert.equal(e.tctop(['run', '--rm', IMAGE, 'sh', '-c', 'kill -KILL $$; echo alive']).stdout, 'alive\n');
});

test('CMD flags pass through; -e, -w, -u, --hostname shape the process', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  assert.equal(e.ok(['run', '--rm', IMAGE, 'ls', '-d', '/bin']), '/bin\n', "ls -d is the command's flag");
  const env = e.ok(['run', '--rm', '-e', 'A=1', '-e', 'B=two words', '--hostname', 'box1', IMAGE, 'env']).split('\n');
  for (const want of ['A=1', 'B=two words', 'HOSTNAME=box1', 'HOME=/root']) assert.ok(env.includes(want), `${want} in ${env}`);
  assert.ok(env.some((l) => l.startsWith('PATH=')));
  assert.equal(e.ok(['run', '--rm', '--hostname', 'box1', IMAGE, 'hostname']), 'box1\n');
  assert.equal(e.ok(['run', '--rm', '-w', '/made/here', IMAGE, 'pwd']), '/made/here\n', '-w is created if missing');
  assert.equal(e.ok(['run', '--rm', '-u', 'app', IMAGE, 'id']), 'uid=1000(app) gid=1000(app) groups=50(staff),1000(app)\n');
  assert.equal(e.ok(['run', '--rm', '-u', '4242:4343', IMAGE, 'sh', '-c', 'id -u; id -g']), '4242\n4343\n');
  assert.match(e.ok(['run', '--rm', '-u', 'app', IMAGE, 'sh', '-c', 'echo $HOME']), /^\/home\/app\n$/);
  const hostname = e.ok(['run', '--name', 'plain', IMAGE, 'hostname']);
  const [id] = e.stateDirs();
  assert.equal(hostname, id.slice(0, 12) + '\n', 'the default hostname is the short ID');
});

test('volumes ro/rw, --read-only rootfs, --network none vs host', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const dir = mkdtempSync(join(tmpdir(), 'tctop-vol-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in'), 'from host\n');
  assert.equal(
    e.ok(['run', '--rm', '-v', `${dir}:/data`, IMAGE, 'sh', '-c', 'cat /data/in; echo from container > /data/out']),
    'from host\n',
  );
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'from container\n');
  const ro = e.tctop(['run', '--rm', '-v', `${dir}:/data:ro`, IMAGE, 'sh', '-c', 'echo x > /data/out2']);
  assert.notEqual(ro.status, 0);
  assert.match(ro.stderr, /Read-only file system/);
  const rofs = e.tctop(['run', '--rm', '--read-only', IMAGE, 'touch', '/x']);
  assert.notEqual(rofs.status, 0);
  assert.match(rofs.stderr, /Read-only file system/);
  assert.equal(e.tctop(['run', '--rm', IMAGE, 'touch', '/x']).status, 0, 'writable by default');
  assert.equal(e.ok(['run', '--rm', '--network', 'none', IMAGE, 'sh', '-c', 'ls /sys/class/net']), 'lo\n', 'own netns: loopback only');
  const hostIfaces = e.ok(['run', '--rm', '--network', 'host', IMAGE, 'sh', '-c', 'ls /sys/class/net']).split('\n').filter(Boolean).sort();
  assert.ok(hostIfaces.length > 1, `host network shows the host's interfaces: ${hostIfaces}`);
});

test('/etc/hostname, /etc/hosts and /etc/resolv.conf as docker gives them: bind-mounted, writable, a volume wins', (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const cat = (flags: string[], file: string) => e.ok(['run', '--rm', ...flags, IMAGE, 'cat', file]);
  const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
  const noLoopback = hostResolv
    .split('\n')
    .filter((l) => !/^\s*nameserver\s+(127\.\S*|::1)\s*$/.test(l))
    .join('\n');
  assert.equal(cat(['--hostname', 'box1'], '/etc/hostname'), 'box1\n');
  assert.equal(
    cat(['--network', 'none'], '/etc/hosts'),
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n',
  );
  assert.equal(
    cat([], '/etc/resolv.conf'),
    noLoopback,
    "the host's resolv.conf, without loopback nameservers another namespace cannot reach",
  );
  assert.equal(e.ok(['run', '--rm', IMAGE, 'sh', '-c', 'grep -c " /etc/[a-z.]* " /proc/mounts']), '3\n', 'three bind mounts');
  // --network host: the host's own files; --read-only still gets them
  assert.equal(cat(['--network', 'host', '--read-only'], '/etc/hosts'), readFileSync('/etc/hosts', 'utf8'));
  assert.equal(cat(['--network', 'host', '--read-only'], '/etc/resolv.conf'), hostResolv);
  // writable from inside, as under docker; the change stays in this container
  assert.equal(e.ok(['run', '--rm', IMAGE, 'sh', '-c', 'echo 10.0.0.9 db >> /etc/hosts && tail -1 /etc/hosts']), '10.0.0.9 db\n');
  assert.doesNotMatch(cat([], '/etc/hosts'), /db/);
  // a volume on one of these paths replaces ours
  const dir = mkdtempSync(join(tmpdir(), 'tctop-etc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'hosts'), '192.0.2.1 mine\n');
  assert.equal(cat(['-v', `${join(dir, 'hosts')}:/etc/hosts:ro`], '/etc/hosts'), '192.0.2.1 mine\n');
});

test("run -d: ps and inspect show runtime tctop, the shim as the init's parent, the state keys", (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--name', 'web', IMAGE, 'sleep', '3600']);
  assert.match(id, /^[0-9a-f]{64}$/);
  const row = e.ps().find((c) => c.id === id);
  assert.ok(row, 'listed by ps');
  assert.equal(row!.runtime, 'tctop');
  assert.equal(row!.name, 'web');
  assert.equal(row!.image, IMAGE);
  assert.equal(row!.state, 'running');
  const state = e.state(id)!;
  assert.equal(row!.init.hostPid, state.pid);
  assert.equal(row!.init.containerPid, 1);
  assert.equal(row!.shim.pid, state.shimPid);
  assert.match(row!.shim.command, /tctop-shim --id [0-9a-f]{64} --state /);
  const stat = readFileSync(`/proc/${state.pid}/stat`, 'utf8');
  assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), state.shimPid, "the shim is the init's parent");
  assert.equal(readFileSync(`/proc/${state.shimPid}/comm`, 'utf8'), 'tctop-shim\n');
  const info = e.inspect('web');
  assert.equal(info.id, id);
  assert.equal(info.runtime, 'tctop');
  assert.equal(info.state, 'running');
  assert.equal(info.exitCode, null);
  assert.equal(info.oomKilled, false);
  assert.equal(info.bundle, join(e.root, 'containers', id));
  for (const k of ['createdAt', 'startedAt']) assert.ok(!Number.isNaN(Date.parse(info[k])), `${k}: ${info[k]}`);
  assert.equal(info.finishedAt, null);
  assert.equal(info.cgroup.path, `/tctop/${id}`);
  // they hold the environment (secrets passed with -e): root's alone, as docker's config.v2.json
  for (const f of ['config.json', 'state.json', 'launch.conf'])
    assert.equal(statSync(join(e.root, 'containers', id, f)).mode & 0o777, 0o600, f);
  assert.equal(statSync(join(e.root, 'containers', id)).mode & 0o777, 0o700, "the state dir (upper/ holds the container's files)");
  const config = JSON.parse(readFileSync(join(e.root, 'containers', id, 'config.json'), 'utf8'));
  assert.deepEqual(config.process.args, ['sleep', '3600']);
  assert.equal(config.root.path, 'rootfs');
  assert.equal(config.linux.cgroupsPath, `/tctop/${id}`);
  e.ok(['stop', '-t', '0', 'web']);
  const after = e.inspect('web');
  assert.equal(after.state, 'exited');
  assert.equal(after.exitCode, 137);
  assert.ok(!Number.isNaN(Date.parse(after.finishedAt)));
  assert.ok(
    e.ps(true).some((c) => c.id === id && c.state === 'exited'),
    'ps -a lists it exited',
  );
  assert.ok(!e.ps().some((c) => c.id === id), 'ps without -a does not');
});

test('--rm: nothing left behind (process, cgroup dir, mount, state dir)', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const run = finished(e.spawn(['run', '--rm', '--memory', '64m', '--pids-limit', '50', IMAGE, 'sh', '-c', 'sleep 0.5 & echo hi; wait']));
  // while it runs: its state dir, its cgroup dirs, its shim and processes are there (so the counters can see them)
  const during = await until(
    () => {
      const l = e.leftovers();
      return l.stateDirs.length === 1 && l.processes.length >= 2 && l.cgroupDirs.length > 0 && l;
    },
    5000,
    'the container running',
  );
  assert.ok(during.cgroupDirs.some((d) => d.includes('/memory/tctop/')));
  const r = await run;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hi\n');
  assert.deepEqual(await e.settled(), { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
});

test('run -d --rm and create + start: removed once it exits, with nothing left', async (t) => {
  if (engineMissing(t)) return;
  const e = newEngine(t);
  const id = e.runDetached(['--rm', IMAGE, 'sh', '-c', 'sleep 0.5']);
  assert.equal(e.state(id)?.status, 'running');
  assert.deepEqual(await e.settled(10_000), { processes: [], cgroupDirs: [], mounts: 0, netnsMounts: 0, stateDirs: [], nameLinks: [] });
  const created = e.ok(['create', '--name', 'later', IMAGE, 'sh', '-c', 'echo ran']).trim();
  assert.equal(e.inspect('later').state, 'created');
  assert.equal(e.ok(['start', 'later']), 'later\n');
  assert.equal(e.ok(['wait', created]), '0\n');
  assert.equal(e.ok(['logs', 'later']), 'ran\n');
});
