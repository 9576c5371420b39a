// Real registries for the registry tests: Debian's docker-registry (the distribution registry) on 127.0.0.1 random
// ports, with its filesystem storage in a temp dir the test can corrupt; plain HTTP, TLS (a CA and a server cert made
// here with openssl) with htpasswd basic auth, or `auth: token` whose realm is a small token endpoint run here
// (registry-token-server.ts), signing RS256 JWTs with a key whose certificate the registry trusts (x5c), as docker's
// token auth spec describes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startTokenServer } from './registry-token-server.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { TestContext } from 'node:test';
import { hasCommand, isRoot, missing, sh } from '../helpers/prereq.js';
import { dockerAvailable, testImagePresent } from '../helpers/docker.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BIN) && hasCommand('openssl');
}

export function dockerReady(): boolean {
  return isRoot() && dockerAvailable() && testImagePresent();
}

export interface Registry {
  host: string; // 127.0.0.1:port
  port: number;
  dir: string;
  storage: string;
  caFile?: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  tls?: boolean;
  /** With tls: the registry requires a client certificate signed by the test CA. */
  clientCert?: boolean;
  users?: Record<string, string>;
  /** refreshTokens: identity tokens the endpoint takes in docker's OAuth2 POST (grant_type=refresh_token), by account. */
  token?: { anonymousPull?: boolean; refreshTokens?: Record<string, string> };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function openssl(args: string[], cwd: string): void {
  sh('openssl', args, { timeoutMs: 60_000, env: { ...process.env, RANDFILE: join(cwd, '.rnd') } } as never);
}

/** A CA and a server certificate for 127.0.0.1 signed by it. */
function makeTls(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=tctop test CA'], dir);
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      join(dir, 'ext.cnf'),
    ],
    dir,
  );
  // a client certificate from the same CA, for a registry that requires one (certs.d's client.cert / client.key)
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'client.key'),
      '-out',
      join(dir, 'client.csr'),
      '-subj',
      '/CN=tctop test client',
    ],
    dir,
  );
  writeFileSync(join(dir, 'client.cnf'), 'extendedKeyUsage=clientAuth\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      join(dir, 'client.csr'),
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      join(dir, 'client.cert'),
      '-days',
      '2',
      '-extfile',
      join(dir, 'client.cnf'),
    ],
    dir,
  );
  return { ca, cert, key };
}

async function waitReady(host: string, tls: string | undefined, child: ChildProcess, log: () => string, clientDir?: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = (tls ? httpsRequest : request)(
        `${tls ? 'https' : 'http'}://${host}/v2/`,
        {
          ca: tls ? readFileSync(tls) : undefined,
          cert: clientDir ? readFileSync(join(clientDir, 'client.cert')) : undefined,
          key: clientDir ? readFileSync(join(clientDir, 'client.key')) : undefined,
          timeout: 1000,
        },
        (res) => {
          res.resume();
          resolve(true);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${host}: ${log()}`);
}

export interface TokenRegistry extends Registry {
  tokenRequests: string[];
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TokenRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-registry-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  let caFile: string | undefined;
  if (options.tls) {
    const tls = makeTls(dir);
    caFile = tls.ca;
    lines.push('  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`);
    if (options.clientCert) lines.push('    clientcas:', `      - ${tls.ca}`);
  }
  let token: Awaited<ReturnType<typeof startTokenServer>> | undefined;
  if (options.token) {
    token = await startTokenServer(dir, options.users ?? {}, options.token.anonymousPull ?? false, options.token.refreshTokens);
    lines.push(
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${token.port}/token`,
      '    service: tctop-test-registry',
      '    issuer: tctop-test-issuer',
      `    rootcertbundle: ${token.certFile}`,
    );
  } else if (options.users) {
    const htpasswd = join(dir, 'htpasswd');
    writeFileSync(
      htpasswd,
      Object.entries(options.users)
        .map(([u, p]) => `${u}:${bcrypt.hashSync(p, 5)}`)
        .join('\n') + '\n',
    );
    lines.push('auth:', '  htpasswd:', '    realm: tctop-test', `    path: ${htpasswd}`);
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  let log = '';
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
    await new Promise((r) => (token ? token.server.close(r) : r(undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(host, caFile, child, () => log, options.clientCert ? dir : undefined);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, port, dir, storage, caFile, stop, tokenRequests: token?.requests ?? [] };
}

/** The blob file of a digest in the registry's filesystem storage. */
export function blobPath(registry: Registry, digest: string): string {
  const hex = digest.slice(7);
  return join(registry.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}

/** docker's certs.d entry for a TLS registry: created for the test, removed after. */
export function trustInDocker(registry: Registry, withClientCert = false): () => void {
  const dir = join('/etc/docker/certs.d', registry.host);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.crt'), readFileSync(registry.caFile!));
  if (withClientCert) {
    writeFileSync(join(dir, 'client.cert'), readFileSync(join(registry.dir, 'client.cert')));
    writeFileSync(join(dir, 'client.key'), readFileSync(join(registry.dir, 'client.key')), { mode: 0o600 });
  }
  return () => rmSync(dir, { recursive: true, force: true });
}

export interface Tctop {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tctop(root: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Tctop {
  const r = spawnSync(process.execPath, ['bin/tctop', ...args], {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, TCTOP_ROOT: root, ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A 5-layer image built by real docker (DOCKER_BUILDKIT=0, --network none, no registry) on a base it imports. */
export function buildFiveLayerImage(tag: string, layerBytes = 256 * 1024): void {
  const ctx = mkdtempSync(join(tmpdir(), 'tctop-5layer-'));
  const base = `tctop-test/five-base:${randomBytes(4).toString('hex')}`;
  try {
    // a base layer of its own (busybox plus a random file), so docker cannot reuse tctop-test/busybox's layer
    const rootfs = join(ctx, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    sh('cp', ['/bin/busybox', join(rootfs, 'bin/busybox')]);
    for (const applet of ['sh', 'head', 'echo', 'cat']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(join(rootfs, 'unique'), randomBytes(16).toString('hex'));
    sh('tar', ['-C', rootfs, '--owner=0', '--group=0', '-cf', join(ctx, 'base.tar'), '.']);
    sh('docker', ['import', '-c', 'ENV PATH=/bin', join(ctx, 'base.tar'), base]);
    rmSync(rootfs, { recursive: true, force: true });
    // the busybox layer and four RUN layers
    const steps = [1, 2, 3, 4].map((i) => `RUN head -c ${layerBytes} /dev/urandom > /layer${i}.bin && echo ${i} > /n${i}`);
    writeFileSync(join(ctx, 'Dockerfile'), [`FROM ${base}`, ...steps, 'CMD ["cat", "/n1", "/n4"]'].join('\n') + '\n');
    writeFileSync(join(ctx, '.dockerignore'), '*.tar\n');
    sh('docker', ['build', '-q', '--network', 'none', '-t', tag, ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      timeoutMs: 180_000,
    });
  } finally {
    spawnSync('docker', ['rmi', base], { stdio: 'ignore' }); // the built image keeps the layer
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** As tctop(), without blocking this process: a token endpoint served from the test's own event loop must answer. */
export function tctopAsync(
  root: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Tctop> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tctop', ...args], {
      env: { ...process.env, TCTOP_ROOT: root, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The registry tests' prerequisites, each missing one reported (a failure in CI). */
export function registryMissing(t: TestContext, registryNeed = '/usr/bin/docker-registry (apt-get install docker-registry)'): boolean {
  return missing(t, registryAvailable(), registryNeed) || missing(t, dockerReady(), 'root, docker and tctop-test/busybox');
}

/** A temporary directory removed after the test. */
export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Removes these docker images now (a previous run's) and after the test. */
export function dockerRmi(t: TestContext, ...refs: string[]): void {
  const rmi = () => void spawnSync('docker', ['rmi', '-f', ...refs], { stdio: 'ignore' });
  rmi();
  t.after(rmi);
}
