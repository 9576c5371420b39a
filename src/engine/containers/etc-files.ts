// The three files docker gives every container, bind-mounted over the image's own: /etc/hostname, /etc/hosts and
// /etc/resolv.conf. Written into the container's state dir at create (rm removes them with it), writable from inside
// as under docker. With --network host the container gets the host's hosts and resolv.conf; without a network it
// gets docker's stock hosts and the host's resolv.conf minus loopback nameservers, which another network namespace
// cannot reach. A volume the user mounts on one of these paths wins.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BindMount } from './launch-conf.js';

/** docker's /etc/hosts for a container on no network (moby libnetwork/etchosts defaults). */
export const STOCK_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
  '',
].join('\n');

const HOST_FILE_LIMIT = 1 << 20;

function hostFile(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8');
    return text.length <= HOST_FILE_LIMIT ? text : null;
  } catch {
    return null;
  }
}

/** resolv.conf without nameservers on loopback (127.0.0.0/8, ::1): unreachable from a network namespace of its own. */
export function withoutLoopbackNameservers(resolv: string): string {
  return resolv
    .split('\n')
    .filter((line) => !/^\s*nameserver\s+(127\.\S*|::1)\s*$/.test(line))
    .join('\n');
}

export interface EtcFile {
  /** Name in the state dir. */
  name: string;
  destination: string;
  content: string;
}

/** `address`: a bridged container's own, named in its hosts as docker does. */
export function etcFiles(hostname: string, network: string, hostEtc = '/etc', address?: string): EtcFile[] {
  const hostResolv = hostFile(join(hostEtc, 'resolv.conf')) ?? '';
  return [
    { name: 'hostname', destination: '/etc/hostname', content: `${hostname}\n` },
    {
      name: 'hosts',
      destination: '/etc/hosts',
      content:
        network === 'host'
          ? (hostFile(join(hostEtc, 'hosts')) ?? STOCK_HOSTS)
          : address
            ? `${STOCK_HOSTS}${address}\t${hostname}\n`
            : STOCK_HOSTS,
    },
    {
      name: 'resolv.conf',
      destination: '/etc/resolv.conf',
      content: network === 'host' ? hostResolv : withoutLoopbackNameservers(hostResolv),
    },
  ];
}

/** Writes the files into `dir` and returns their binds, leaving out any path a user volume already covers. */
export function writeEtcFiles(
  dir: string,
  hostname: string,
  network: string,
  userBinds: BindMount[],
  hostEtc?: string,
  address?: string,
): BindMount[] {
  const covered = new Set(userBinds.map((b) => b.destination));
  const binds: BindMount[] = [];
  for (const f of etcFiles(hostname, network, hostEtc, address)) {
    if (covered.has(f.destination)) continue;
    const source = join(dir, f.name);
    writeFileSync(source, f.content, { mode: 0o644 });
    binds.push({ source, destination: f.destination, readOnly: false });
  }
  return binds;
}
