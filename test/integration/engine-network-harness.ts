// What the network tests share: free host ports, HTTP from the host (to loopback, the bridge's and the host's own
// addresses only), and a count of everything a root's networking can leave behind.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { hasCommand, missing } from '../helpers/prereq.js';
import { engineMissing, type Engine } from './engine-harness.js';

/** A port nothing listens on now (the kernel's pick, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function httpGet(host: string, port: number, path = '/', timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode} from ${host}:${port}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Retries while the container's httpd is still starting. */
export async function httpGetSoon(host: string, port: number, path = '/', withinMs = 10_000): Promise<string> {
  const end = Date.now() + withinMs;
  for (;;) {
    try {
      return await httpGet(host, port, path, 3000);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface NetworkLeftovers {
  veths: string[];
  leases: string[];
  ports: string[];
  netns: string[];
  rules: string[];
  mounts: number;
}

/** Every veth of this root's containers, lease, port reservation, namespace file and nft rule still there. */
export function networkLeftovers(e: Engine): NetworkLeftovers {
  e.noteIds();
  const vethNames = new Set([...e.ids].map((id) => `tc${id.slice(0, 12)}`));
  const rules = spawnSync('nft', ['-a', 'list', 'chain', 'ip', e.bridge, 'ports'], { encoding: 'utf8' }).stdout ?? '';
  const mounts = spawnSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes(join(e.root, 'netns'))).length;
  return {
    veths: entries('/sys/class/net').filter((n) => vethNames.has(n)),
    leases: entries(join(e.root, 'network/leases')),
    ports: entries(join(e.root, 'network/ports')),
    netns: entries(join(e.root, 'netns')),
    rules: rules.split('\n').filter((l) => l.includes('comment "tctop:')),
    mounts,
  };
}

export const NOTHING_LEFT: NetworkLeftovers = { veths: [], leases: [], ports: [], netns: [], rules: [], mounts: 0 };

/** Bridge networking needs nft, ip and unshare besides what every engine test needs. */
export function networkMissing(t: TestContext): boolean {
  return (
    engineMissing(t) ||
    missing(t, hasCommand('nft'), 'nftables (nft)') ||
    missing(t, hasCommand('ip'), 'iproute2 (ip)') ||
    missing(t, hasCommand('unshare'), 'util-linux (unshare)')
  );
}

/** The host's own non-loopback IPv4 address on an interface that is not a bridge of ours, if any. */
export function hostAddress(): string | undefined {
  const out = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of out.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
    if (m && !m[1].startsWith('tc') && !m[1].startsWith('docker') && !m[1].startsWith('br-')) return m[2];
  }
  return undefined;
}
