// How a registry is reached, as docker decides it: HTTPS with the system CAs (/etc/ssl/certs) plus /etc/docker/certs.d/<host:port>/
// (*.crt are CAs, a <name>.cert + <name>.key pair is a client certificate); plain HTTP only for loopback hosts and
// the registries named insecure (--insecure-registry, or TCTOP_INSECURE_REGISTRIES=host:port,…).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lazyBuiltin } from '../../lazy-builtin.js';

// on first use: node:tls is only for a registry that speaks TLS
const tls = lazyBuiltin<typeof import('node:tls')>('node:tls');

export const CERTS_DIR_DEFAULT = '/etc/docker/certs.d';

export interface TlsMaterial {
  ca?: readonly string[];
  /** No certs.d entry: the system's CAs alone (given to TLS only when a handshake happens). */
  systemOnly?: boolean;
  cert?: Buffer;
  key?: Buffer;
}

/** $TCTOP_CERTS_DIR overrides where certs.d is (tests, rootless setups); docker's own path by default. */
export function certsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TCTOP_CERTS_DIR || CERTS_DIR_DEFAULT;
}

export function tlsMaterial(host: string, env: NodeJS.ProcessEnv = process.env): TlsMaterial {
  const dir = join(certsDir(env), host.replace(/[/\\]/g, '_'));
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return { systemOnly: true };
  }
  const out: TlsMaterial = names.some((n) => n.endsWith('.crt')) ? {} : { systemOnly: true };
  const cas = names.filter((n) => n.endsWith('.crt')).map((n) => readFileSync(join(dir, n), 'utf8'));
  // extra CAs are added to the system's, as docker does, not instead of them
  if (cas.length) out.ca = [...systemCas(), ...cas];
  const cert = names.find((n) => n.endsWith('.cert'));
  if (cert) {
    const key = cert.replace(/\.cert$/, '.key');
    if (names.includes(key)) {
      out.cert = readFileSync(join(dir, cert));
      out.key = readFileSync(join(dir, key));
    }
  }
  return out;
}

/** The system's CA bundle (Debian's ca-certificates, as docker uses), else node's built-in Mozilla list. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];
let system: readonly string[] | undefined;
export function systemCas(): readonly string[] {
  if (!system) {
    for (const file of SYSTEM_BUNDLES) {
      try {
        system = [readFileSync(file, 'utf8')];
        break;
      } catch {
        // next
      }
    }
    system ??= tls().rootCertificates;
  }
  return system;
}

function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 ? host.slice(0, colon) : host;
}

/** localhost, 127.0.0.0/8 and ::1: docker talks plain HTTP to these without being told. */
export function isLoopback(host: string): boolean {
  const h = hostOnly(host);
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function insecureRegistries(extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Set<string> {
  const fromEnv = (env.TCTOP_INSECURE_REGISTRIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return new Set([...fromEnv, ...extra]);
}

/** May this registry be spoken to over plain HTTP (after HTTPS fails, as docker tries)? */
export function allowsPlainHttp(host: string, insecure: Set<string>): boolean {
  return isLoopback(host) || insecure.has(host) || insecure.has(hostOnly(host));
}
