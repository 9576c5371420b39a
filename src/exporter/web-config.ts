// The web config file of the Prometheus exporter toolkit (--web.config.file): basic_auth_users with bcrypt hashes
// and tls_server_config with cert_file and key_file. Unknown keys are errors, as the toolkit's strict YAML is.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';

export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

export interface WebConfig {
  tls?: TlsConfig;
  /** user -> bcrypt hash */
  basicAuthUsers?: Map<string, string>;
}

const TLS_VERSIONS: Record<string, TlsConfig['minVersion']> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const TOP_KEYS = ['tls_server_config', 'basic_auth_users', 'http_server_config'];
const TLS_KEYS = ['cert_file', 'key_file', 'min_version'];
const BCRYPT = /^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(where: string, obj: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new UsageError(`${where}: unsupported key "${k}" (supported: ${allowed.join(', ')})`);
  }
}

function readRelative(file: string, baseDir: string, what: string): Buffer {
  const path = resolve(baseDir, file);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`web config: cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Parse the file's text; relative cert/key paths are resolved against the file's directory, as the toolkit does. */
export function parseWebConfig(text: string, baseDir: string, where = 'web config'): WebConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UsageError(`${where}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new UsageError(`${where}: expected a mapping at the top level`);
  checkKeys(where, doc, TOP_KEYS);
  const config: WebConfig = {};

  const tls = doc.tls_server_config;
  if (tls !== undefined && tls !== null) {
    if (!isRecord(tls)) throw new UsageError(`${where}: tls_server_config must be a mapping`);
    checkKeys(`${where}: tls_server_config`, tls, TLS_KEYS);
    if (typeof tls.cert_file !== 'string' || typeof tls.key_file !== 'string') {
      throw new UsageError(`${where}: tls_server_config needs both cert_file and key_file`);
    }
    const minVersion = tls.min_version === undefined ? undefined : TLS_VERSIONS[String(tls.min_version)];
    if (tls.min_version !== undefined && !minVersion)
      throw new UsageError(`${where}: min_version must be one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
    config.tls = {
      cert: readRelative(tls.cert_file, baseDir, 'cert_file'),
      key: readRelative(tls.key_file, baseDir, 'key_file'),
      minVersion,
    };
  }

  const users = doc.basic_auth_users;
  if (users !== undefined && users !== null) {
    if (!isRecord(users)) throw new UsageError(`${where}: basic_auth_users must map user names to bcrypt hashes`);
    config.basicAuthUsers = new Map();
    for (const [user, hash] of Object.entries(users)) {
      if (typeof hash !== 'string' || !BCRYPT.test(hash)) throw new UsageError(`${where}: basic_auth_users.${user} is not a bcrypt hash`);
      config.basicAuthUsers.set(user, hash);
    }
  }

  const http = doc.http_server_config;
  if (http !== undefined && http !== null) {
    if (!isRecord(http)) throw new UsageError(`${where}: http_server_config must be a mapping`);
    checkKeys(`${where}: http_server_config`, http, []);
  }
  return config;
}

export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read web config file ${path}: ${(err as Error).message}`);
  }
  return parseWebConfig(text, dirname(resolve(path)), `web config ${path}`);
}
