// `tctop run -d -p` on a bridge against `docker run -d -p` on a bridge with iptables. The suite's dockerd runs with
// --iptables=false --bridge=none, so a second dockerd is started for this row alone, on its own socket, data root,
// exec root (and so its own managed containerd), pidfile and bridge; afterwards it is stopped, its directories and
// bridge removed, and every iptables rule and chain it added (found by diffing iptables -S before and after) deleted,
// the FORWARD policy put back.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostRoutes } from '../../src/engine/network/config.js';
import { overlaps, parseSubnet } from '../../src/engine/network/ipv4.js';
import { TEST_IMAGE } from '../helpers/docker.js';
import type { BenchRow } from './types.js';

const RUNS = 10;
const DOCKER_BRIDGE = 'tctbenchd0';
const BASE = '/run/tctop-bench-dockerd';
const DATA_ROOT = '/var/lib/tctop-bench-dockerd';
const SOCKET = `unix://${BASE}/docker.sock`;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function timed(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function freeSubnet(): string {
  const routes = hostRoutes();
  for (let third = 240; third < 255; third++) {
    const s = `10.${third}.77.0/24`;
    if (!routes.some((r) => overlaps(r.subnet, parseSubnet(s, 'bench')))) return s;
  }
  throw new Error('no free subnet for the bench dockerd bridge');
}

type Tables = Record<string, string[]>;
const TOOLS = ['iptables', 'ip6tables'];

function snapshotRules(): Tables {
  const out: Tables = {};
  for (const tool of TOOLS)
    for (const table of ['filter', 'nat']) {
      const r = spawnSync(tool, ['-t', table, '-S'], { encoding: 'utf8' });
      out[`${tool} ${table}`] = r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
    }
  return out;
}

/** Deletes what the bench dockerd added: rules first (-A turned into -D), then its chains, then the policies. */
function restoreRules(before: Tables): void {
  const after = snapshotRules();
  for (const [key, lines] of Object.entries(after)) {
    const [tool, table] = key.split(' ');
    const had = new Set(before[key] ?? []);
    const added = lines.filter((l) => !had.has(l));
    for (const l of added.filter((l) => l.startsWith('-A ')))
      spawnSync(tool, ['-t', table, ...splitRule('-D' + l.slice(2))], { stdio: 'ignore' });
    for (const l of added.filter((l) => l.startsWith('-N '))) {
      const chain = l.slice(3).trim();
      spawnSync(tool, ['-t', table, '-F', chain], { stdio: 'ignore' });
      spawnSync(tool, ['-t', table, '-X', chain], { stdio: 'ignore' });
    }
    for (const l of (before[key] ?? []).filter((l) => l.startsWith('-P ')))
      spawnSync(tool, ['-t', table, ...l.split(' ')], { stdio: 'ignore' });
  }
}

function nftTables(): string[] {
  return (spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout ?? '')
    .split('\n')
    .map((l) => l.replace(/^table /, '').trim())
    .filter(Boolean);
}

/** iptables-nft leaves the tables it made (ip nat, ip filter, ip6 ...) behind, empty: those that were not there
 * before and hold no rule are deleted. */
function dropNewEmptyTables(before: string[]): void {
  for (const t of nftTables().filter((t) => !before.includes(t))) {
    const [family, name] = t.split(' ');
    if (!['ip', 'ip6'].includes(family) || !['nat', 'filter'].includes(name)) continue;
    const body = spawnSync('nft', ['list', 'table', family, name], { encoding: 'utf8' }).stdout ?? '';
    const rules = body
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(table |chain |type |policy |\}$|\{$)/.test(l));
    if (rules.length === 0) spawnSync('nft', ['delete', 'table', family, name], { stdio: 'ignore' });
  }
}

/** iptables -S quotes arguments with spaces ("--comment "x y""); split the way a shell would. */
function splitRule(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1] : m[2]);
  return out;
}

async function startDockerd(): Promise<number> {
  mkdirSync(BASE, { recursive: true });
  const subnet = freeSubnet();
  run('ip', ['link', 'add', DOCKER_BRIDGE, 'type', 'bridge']);
  run('ip', ['addr', 'add', subnet.replace(/0\/24$/, '1/24'), 'dev', DOCKER_BRIDGE]);
  run('ip', ['link', 'set', DOCKER_BRIDGE, 'up']);
  const child = spawn(
    'dockerd',
    [
      '-H',
      SOCKET,
      '--data-root',
      DATA_ROOT,
      '--exec-root',
      `${BASE}/exec`,
      '--pidfile',
      `${BASE}/docker.pid`,
      '--bridge',
      DOCKER_BRIDGE,
      '--iptables=true',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'], detached: true },
  );
  child.unref();
  const until = Date.now() + 60_000;
  while (spawnSync('docker', ['-H', SOCKET, 'info'], { stdio: 'ignore' }).status !== 0) {
    if (Date.now() > until) throw new Error('the bench dockerd did not start within 60 s');
    pause(200);
  }
  return child.pid!;
}

function stopDockerd(pid: number | undefined): void {
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    for (let i = 0; i < 150 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'); i++) pause(200);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* stopped */
    }
  }
  // anything dockerd left mounted under its roots (it unmounts on a clean stop), then the roots themselves
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p) => p && (p.startsWith(DATA_ROOT) || p.startsWith(BASE)));
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  rmSync(DATA_ROOT, { recursive: true, force: true });
  rmSync(BASE, { recursive: true, force: true });
  if (existsSync(`/sys/class/net/${DOCKER_BRIDGE}`)) spawnSync('ip', ['link', 'del', DOCKER_BRIDGE], { stdio: 'ignore' });
}

/** Runs fn with a second dockerd (bridge, iptables) up; everything of it is gone afterwards, whatever fn did. */
export async function withBenchDockerd<T>(fn: (docker: (args: string[]) => string) => Promise<T>): Promise<T> {
  const rules = snapshotRules();
  const tables = nftTables();
  let pid: number | undefined;
  const docker = (args: string[]) => run('docker', ['-H', SOCKET, ...args]);
  try {
    pid = await startDockerd();
    return await fn(docker);
  } finally {
    spawnSync(
      'docker',
      [
        '-H',
        SOCKET,
        'rm',
        '-f',
        ...(spawnSync('docker', ['-H', SOCKET, 'ps', '-aq'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean),
      ],
      { stdio: 'ignore' },
    );
    stopDockerd(pid);
    restoreRules(rules);
    dropNewEmptyTables(tables);
  }
}

/** tctop (its own bridge, nft) and the bench dockerd (its bridge, iptables, docker-proxy), interleaved. */
export function publishedRunRows(tctop: (args: string[]) => string, archive: string): Promise<BenchRow[]> {
  return withBenchDockerd(async (docker) => {
    docker(['load', '-q', '-i', archive]);
    const once = async (which: 'ours' | 'theirs'): Promise<number> => {
      const port = await freePort();
      const args = ['run', '-d', '-p', `${port}:80`, TEST_IMAGE, 'sleep', '120'];
      let id = '';
      const ms = timed(() => (id = (which === 'ours' ? tctop(args) : docker(args)).trim()));
      (which === 'ours' ? tctop : docker)(['rm', '-f', id]);
      pause(150);
      return ms;
    };
    for (let i = 0; i < 2; i++) {
      // warm-up
      await once('ours');
      await once('theirs');
    }
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await once('ours'));
      theirs.push(await once('theirs'));
    }
    const [a, b] = [median(ours), median(theirs)];
    return [
      {
        name: `tctop run -d -p (bridge, nft; median of ${RUNS})`,
        value: a,
        unit: 'ms',
        peer: { name: 'docker run -d -p (bridge, iptables, docker-proxy)', value: b },
        target: 'ratio <= 0.5',
        ok: a / b <= 0.5,
      },
    ];
  });
}
