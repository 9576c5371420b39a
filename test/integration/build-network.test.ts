// tctop build --network: RUN steps on the engine's bridge by default (reaching an HTTP server this test starts on
// the bridge's own address), on the host's network (a server on 127.0.0.1), or on none (neither reachable); and the
// veth, lease and namespace of every bridged step gone after a passing, a failing and an interrupted build. Traffic
// goes only to the bridge's address and loopback (busybox wget's -T crashes Debian's static build: timeout instead).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { finished, IMAGE, newEngine, until, type Engine } from './engine-harness.js';
import { networkMissing } from './engine-network-harness.js';

/** An HTTP server on `host` answering every GET with `body`, noting who asked; closed after the test. */
async function server(t: TestContext, host: string, body: string): Promise<{ port: number; clients: string[] }> {
  const clients: string[] = [];
  const s: Server = createServer((req, res) => {
    clients.push(req.socket.remoteAddress ?? '');
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, host, resolve);
  });
  t.after(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return { port: (s.address() as { port: number }).port, clients };
}

/** The bridge's own address (the steps' gateway), once a bridged container has made the bridge. */
function bridgeAddress(e: Engine): string {
  e.ok(['run', '--rm', IMAGE, 'true']);
  const out = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', e.bridge], { encoding: 'utf8' }).stdout;
  const m = /inet ([\d.]+)\//.exec(out);
  assert.ok(m, `no address on ${e.bridge}: ${out}`);
  return m[1];
}

/** `tctop build` without blocking this process: the servers above answer from its event loop. */
async function build(e: Engine, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = e.spawn(['build', ...args]);
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const r = await finished(child);
  clearTimeout(timer);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

function context(t: TestContext, dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-build-net-ctx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** What a bridged step can leave: ports on the bridge (veths), leases, namespace files and their mounts, containers. */
function leftovers(e: Engine) {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(e.root)).length;
  return {
    bridgePorts: entries(`/sys/class/net/${e.bridge}/brif`),
    leases: entries(join(e.root, 'network/leases')),
    netns: entries(join(e.root, 'netns')),
    mounts,
    containers: e.stateDirs(),
  };
}
const NOTHING = { bridgePorts: [], leases: [], netns: [], mounts: 0, containers: [] };

const fetchStep = (url: string) =>
  `FROM ${IMAGE}\nRUN timeout 10 wget -q -O /fetched ${url} && ip -4 -o addr show eth0 > /addr\nCMD ["cat", "/fetched", "/addr"]\n`;

test('RUN steps use the bridge by default: they reach a server on the bridge address, and leave no veth, lease or netns', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const gateway = bridgeAddress(e);
  const srv = await server(t, gateway, 'from the host\n');
  const ctx = context(t, fetchStep(`http://${gateway}:${srv.port}/`));
  const built = await build(e, ['-t', 'bridged:1', ctx]);
  assert.equal(built.status, 0, built.stderr + built.stdout);
  assert.equal(srv.clients.length, 1);
  const client = srv.clients[0];
  assert.notEqual(client, gateway, 'the step has an address of its own on the bridge');
  const shown = e.ok(['run', '--rm', '--network', 'none', 'bridged:1']);
  assert.match(shown, new RegExp(`^from the host\\n\\d+: eth0 +inet ${client.replace(/\./g, '\\.')}/`), shown);
  // the same with --network bridge said; and docker's "default" is the bridge too
  writeFileSync(join(ctx, 'Dockerfile'), fetchStep(`http://${gateway}:${srv.port}/again`));
  for (const mode of ['bridge', 'default']) {
    const again = await build(e, ['--no-cache', '--network', mode, '-t', `bridged:${mode}`, ctx]);
    assert.equal(again.status, 0, again.stderr + again.stdout);
  }
  assert.equal(srv.clients.length, 3);
  assert.deepEqual(leftovers(e), NOTHING);

  // a failing bridged step: its output and exit code, and nothing of its network left
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${IMAGE}\nRUN timeout 10 wget -q -O- http://${gateway}:${srv.port}/ && exit 3\n`);
  const failed = await build(e, ['-t', 'failed:1', ctx]);
  assert.equal(failed.status, 1, failed.stderr + failed.stdout);
  assert.match(failed.stdout, /from the host\n/);
  assert.match(failed.stderr, /returned a non-zero code: 3/);
  assert.equal(srv.clients.length, 4);
  assert.deepEqual(leftovers(e), NOTHING);
  assert.doesNotMatch(e.ok(['images']), /failed/);
});

test('--network none reaches neither the bridge nor the host loopback; --network host reaches 127.0.0.1', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const gateway = bridgeAddress(e);
  const onBridge = await server(t, gateway, 'bridge\n');
  const onLoopback = await server(t, '127.0.0.1', 'loopback\n');
  for (const url of [`http://${gateway}:${onBridge.port}/`, `http://127.0.0.1:${onLoopback.port}/`]) {
    const ctx = context(t, `FROM ${IMAGE}\nRUN timeout 10 wget -q -O- ${url}\n`);
    const refused = await build(e, ['--network', 'none', ctx]);
    assert.equal(refused.status, 1, `${url} reached with --network none: ${refused.stdout}`);
    assert.match(refused.stderr, /returned a non-zero code: 1/);
  }
  assert.deepEqual([onBridge.clients, onLoopback.clients], [[], []]);
  const ctx = context(t, fetchStep(`http://127.0.0.1:${onLoopback.port}/`).replace(' && ip -4 -o addr show eth0 > /addr', ''));
  const host = await build(e, ['--network', 'host', '-t', 'hosted:1', ctx]);
  assert.equal(host.status, 0, host.stderr + host.stdout);
  assert.deepEqual(onLoopback.clients, ['127.0.0.1']);
  const bad = e.tctop(['build', '--network', 'overlay', ctx]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'tctop: unknown network mode "overlay" for build (bridge, none, host)\n');
  assert.deepEqual(leftovers(e), NOTHING);
});

test('an interrupted build on the bridge removes its step with its veth, lease and namespace', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const ctx = context(t, `FROM ${IMAGE}\nRUN echo started; sleep 60\n`);
  const child = e.spawn(['build', '-t', 'interrupted:1', ctx]);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(() => child.kill('SIGKILL'));
  await until(() => /started\n/.test(out), 60_000, 'the RUN step to start');
  const during = leftovers(e);
  assert.equal(during.bridgePorts.length, 1, 'the step has its veth on the bridge');
  assert.equal(during.leases.length, 1);
  assert.equal(during.netns.length, 1);
  child.kill('SIGINT');
  assert.equal(await closed, 130);
  assert.deepEqual(leftovers(e), NOTHING);
});

test('a SIGKILLed build takes its bridged RUN step with it, and the next build sweeps the rest: container, cgroup, veth, lease, namespace', async (t) => {
  if (networkMissing(t)) return;
  const e = newEngine(t);
  const ctx = context(t, `FROM ${IMAGE}\nRUN echo started; sleep 60\n`);
  const child = e.spawn(['build', '-t', 'killed:1', ctx]);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  t.after(() => child.kill('SIGKILL'));
  await until(() => /started\n/.test(out), 60_000, 'the RUN step to start');
  const during = e.leftovers();
  assert.ok(during.processes.length > 0, 'the step runs');
  assert.equal(during.stateDirs.length, 1);
  assert.equal(leftovers(e).bridgePorts.length, 1, 'the step has its veth on the bridge');
  // the step names its build: the PID and its start time (/proc/<pid>/stat field 22), which the sweep checks
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  assert.equal(e.state(during.stateDirs[0])?.labels['org.tctop.build.owner'], `${child.pid}:${startTicks}`);
  child.kill('SIGKILL'); // no handler of the build runs
  assert.equal(await closed, 'SIGKILL');
  // no tctop command runs meanwhile: the shim saw its owner end and killed the step (its own exit follows)
  await until(() => e.leftovers().processes.length === 0, 10_000, 'the step and its shim to end with the build');
  const orphaned = leftovers(e);
  assert.equal(orphaned.containers.length, 1, 'the record (and its network) wait for the sweep');
  // the sweep: the next container create (here the next build's RUN step) removes the step of a build that is gone
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${IMAGE}\nRUN true\n`);
  const next = await build(e, ['--network', 'none', ctx]);
  assert.equal(next.status, 0, next.stderr + next.stdout);
  assert.deepEqual(leftovers(e), NOTHING);
  const rest = e.leftovers();
  assert.deepEqual([rest.processes, rest.cgroupDirs, rest.mounts, rest.netnsMounts], [[], [], 0, 0]);
  assert.doesNotMatch(e.ok(['images']), /killed/);
});
