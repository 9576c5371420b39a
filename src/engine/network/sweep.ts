// What a killed CLI, an interrupted rm or a crashed host leaves of containers that are gone: leases, port
// reservations, namespace files, veths, nft rules. Run by create under the names lock, after the
// container debris sweep, so a container without state.json is gone for sure.
import { existsSync, readdirSync } from 'node:fs';
import { bundlePath } from '../containers/paths.js';
import { loadNetworkConfig } from './config.js';
import { leasesDir, listLeases, portsDir } from './leases.js';
import { netnsDir, teardownNetwork } from './attach.js';
import { deletePortRules } from './nft.js';

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export async function sweepNetworkDebris(root: string): Promise<void> {
  const gone = (id: string) => /^[0-9a-f]{64}$/.test(id) && !existsSync(bundlePath(root, id, 'state'));
  const doomed = new Set<string>();
  for (const l of [...listLeases(leasesDir(root)), ...listLeases(portsDir(root))]) if (gone(l.id)) doomed.add(l.id);
  for (const name of entries(netnsDir(root))) if (gone(name)) doomed.add(name);
  if (doomed.size === 0) return;
  let bridge: string | undefined;
  try {
    bridge = loadNetworkConfig(root).bridge;
  } catch {
    bridge = undefined;
  }
  // rules first (one listing for all), then each container's veth, namespace file and leases; only the doomed
  // containers' own: another root may share the bridge and its table
  if (bridge) await deletePortRules(bridge, (owner) => doomed.has(owner)).catch(() => {});
  for (const id of doomed) await teardownNetwork(root, id, { table: bridge, hadPorts: false });
}
