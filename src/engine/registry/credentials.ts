// Credentials in docker's own config file: $DOCKER_CONFIG/config.json (default ~/.docker/config.json), `auths` with a
// base64 "user:password" per registry, written 0600; or a credential helper (`credsStore` for all registries,
// `credHelpers` per registry) run as `docker-credential-<name> get|store|erase` with docker's stdin/stdout protocol
// (a `get` answering Username "<token>" holds an identity token, as an `auths` entry's `identitytoken` does).
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoOf, RegistryError, UsageError } from '../../errors.js';
import { lazyBuiltin } from '../../lazy-builtin.js';
import { writeFileAtomic } from '../atomic-write.js';
import { authKey } from './reference.js';

// on first use: only a configured credential helper is spawned
const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

export interface Credentials {
  username: string;
  password: string;
  /** docker's identity token: an OAuth2 refresh token, traded at the registry's token realm (auth.ts). */
  identityToken?: string;
}

/** The Username a credential helper answers with when its Secret is an identity token, as docker's helpers do. */
const TOKEN_USERNAME = '<token>';

type DockerConfig = {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
};

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

function readConfig(path: string): DockerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return {};
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as DockerConfig) : {};
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}

async function writeConfig(path: string, config: DockerConfig): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 }); // ~/.docker, as docker makes it
  writeFileAtomic(path, JSON.stringify(config, null, '\t') + '\n', { mode: 0o600 });
}

function helperFor(config: DockerConfig, key: string, registry: string): string | undefined {
  return config.credHelpers?.[registry] ?? config.credHelpers?.[key] ?? config.credsStore;
}

function runHelper(helper: string, verb: 'get' | 'store' | 'erase', input: string): Promise<string> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(program, [verb], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) =>
      reject(new RegistryError(`credential helper ${program} cannot run: ${errnoOf(e) === 'ENOENT' ? 'not found on PATH' : e.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          Object.assign(new RegistryError(`credential helper ${program} ${verb} failed: ${(out || err).trim().split('\n')[0]}`), {
            helperOutput: out,
          }),
        );
    });
    child.stdin.on('error', () => {}); // a helper that exits without reading
    child.stdin.end(input);
  });
}

/** The stored credentials for a registry, or undefined (anonymous). */
export async function getCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const config = readConfig(dockerConfigPath(env));
  const key = authKey(registry);
  const helper = helperFor(config, key, registry);
  if (helper) {
    try {
      const answer = JSON.parse(await runHelper(helper, 'get', key)) as { Username?: string; Secret?: string };
      if (answer.Secret)
        return answer.Username === TOKEN_USERNAME
          ? { username: '', password: '', identityToken: answer.Secret }
          : { username: answer.Username ?? '', password: answer.Secret };
    } catch (err) {
      const out = (err as { helperOutput?: string }).helperOutput ?? '';
      if (/credentials not found/i.test(out)) return undefined;
      throw err;
    }
    return undefined;
  }
  const entry = config.auths?.[key] ?? config.auths?.[`https://${key}`] ?? config.auths?.[`http://${key}`];
  if (!entry) return undefined;
  if (entry.identitytoken) return { username: entry.username ?? '', password: '', identityToken: entry.identitytoken };
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) throw new UsageError(`${dockerConfigPath(env)}: the auth of ${key} is not base64 "user:password"`);
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

export async function storeCredentials(registry: string, creds: Credentials, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = dockerConfigPath(env);
  const config = readConfig(path);
  const key = authKey(registry);
  const helper = helperFor(config, key, registry);
  config.auths ??= {};
  if (helper) {
    await runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: creds.username, Secret: creds.password }));
    config.auths[key] = {}; // as docker: the entry says a login exists, the secret stays in the helper
  } else {
    config.auths[key] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  }
  await writeConfig(path, config);
  return helper ? `docker-credential-${helper}` : path;
}

/** Returns false when there was nothing to remove. */
export async function eraseCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = dockerConfigPath(env);
  const config = readConfig(path);
  const key = authKey(registry);
  const helper = helperFor(config, key, registry);
  let found = false;
  if (helper) {
    try {
      await runHelper(helper, 'erase', key);
      found = true;
    } catch (err) {
      if (!/credentials not found/i.test((err as { helperOutput?: string }).helperOutput ?? '')) throw err;
    }
  }
  if (config.auths?.[key]) {
    delete config.auths[key];
    found = true;
    await writeConfig(path, config);
  }
  return found;
}
