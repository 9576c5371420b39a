// The container's environment as docker builds it: a default PATH, HOSTNAME, the image's Env,
// then -e values (a later key replaces an earlier one in place), HOME from the user's passwd entry last.
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function keyOf(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

export function replaceOrAppend(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const entry of overrides) {
    const at = out.findIndex((e) => keyOf(e) === keyOf(entry));
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out;
}

export function containerEnv(imageEnv: string[], userEnv: string[], hostname: string, home: string): string[] {
  const config = replaceOrAppend(imageEnv, userEnv);
  const daemon = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`]; // the image's PATH replaces the default in place
  const env = replaceOrAppend(daemon, config);
  return env.some((e) => keyOf(e) === 'HOME') ? env : [...env, `HOME=${home}`];
}
