// Remote image references by docker's rules: `busybox` is docker.io/library/busybox:latest, `localhost:5000/x` names
// a registry, `name@sha256:…` a digest. The store keeps the familiar form (busybox:latest, localhost:5000/x:latest).
import { UsageError } from '../../errors.js';
import { isDigest } from '../images/digest.js';
import { DEFAULT_TAG, normalizeReference } from '../images/reference.js';
import { cell } from '../../text/sanitize.js';

export const DOCKER_HUB = 'docker.io';
/** Where docker.io's API answers, and the key docker's config.json keeps Hub credentials under. */
export const DOCKER_HUB_API = 'registry-1.docker.io';
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface RemoteReference {
  /** docker.io, localhost:5000, registry.example.com */
  registry: string;
  /** library/busybox, team/app */
  repository: string;
  tag?: string;
  digest?: string;
  /** name:tag as the store registers it; undefined for a digest reference (docker shows it as <none>). */
  storeRef?: string;
  /** registry/repository as docker prints it in "The push refers to repository [...]". */
  fullName: string;
}

function splitDomain(name: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || !(first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    return { registry: DOCKER_HUB, path: slash < 0 ? `library/${name}` : name };
  }
  let registry = first;
  let path = name.slice(slash + 1);
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  return { registry, path };
}

export function parseRemoteReference(input: string): RemoteReference {
  const at = input.indexOf('@');
  const digest = at >= 0 ? input.slice(at + 1) : undefined;
  const named = at >= 0 ? input.slice(0, at) : input;
  if (digest !== undefined && !isDigest(digest)) {
    throw new UsageError(`invalid image reference "${cell(input, 200)}": the digest must be sha256:<64 hex digits>`);
  }
  // the store's parser validates name and tag (and strips docker.io/library/)
  const familiar = normalizeReference(named);
  const colon = familiar.lastIndexOf(':');
  const familiarName = familiar.slice(0, colon);
  const explicitTag = named.lastIndexOf(':') > named.lastIndexOf('/');
  const tag = digest && !explicitTag ? undefined : familiar.slice(colon + 1) || DEFAULT_TAG;
  const { registry, path } = splitDomain(familiarName);
  const fullName = `${registry}/${path}`;
  return { registry, repository: path, tag, digest, storeRef: digest ? undefined : familiar, fullName };
}

/** The host:port HTTP requests go to. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** How docker names a registry in config.json's auths (Docker Hub has its legacy URL). */
export function authKey(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' || registry === DOCKER_HUB_API ? DOCKER_HUB_AUTH_KEY : registry;
}

/** `tctop login REGISTRY` accepts a host, host:port or a URL as docker does. */
export function normalizeRegistryArg(input: string | undefined): string {
  if (!input) return DOCKER_HUB;
  let host = input
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  if (host === 'index.docker.io' || host === DOCKER_HUB_API) host = DOCKER_HUB;
  if (!/^[A-Za-z0-9.-]+(?::[0-9]+)?$/.test(host) && !/^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/.test(host)) {
    throw new UsageError(`invalid registry "${cell(input, 200)}"`);
  }
  return host;
}
