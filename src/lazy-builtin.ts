// A Node built-in module required on first use instead of imported: an import runs when its module loads, and some
// built-ins cost a one-shot command milliseconds to load (node:child_process brings net, dgram and the streams;
// node:https brings tls) on paths that mostly never touch them (a cached build never spawns, a loopback registry is
// plain HTTP). The bundler keeps a require of a node: module as it is, so this works bundled and unbundled alike.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** `const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process')`, then `childProcess().spawn`. */
export function lazyBuiltin<T>(name: `node:${string}`): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(name) as T);
}
