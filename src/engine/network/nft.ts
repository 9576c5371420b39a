// tctop's own nftables table, named after its bridge (`table ip tctop0`), through the nft binary: nothing of anyone
// else's is read or changed. Base chains: DNAT of published ports for traffic to any local address, arriving
// (prerouting) or made on the host itself (output: 127.0.0.1 and the host's own addresses, with route_localnet on the
// bridge and a masquerade so the reply comes back), masquerade of the containers' outbound traffic, and forward
// accepts for the bridge. Each container's rules carry the comment "tctop:<id>" and are deleted by handle.
import { formatSubnet, type Subnet } from './ipv4.js';
import type { PortBinding } from './ports.js';
import { mustRun, runTool } from './run-tool.js';

export function ruleComment(id: string): string {
  return `tctop:${id}`;
}

/** Idempotent: the table and chains are added if missing, the base chains' own rules rewritten; `ports` is kept. */
export function baseScript(table: string, bridge: string, subnet: Subnet): string {
  const t = `ip ${table}`;
  return [
    `add table ${t}`,
    `add chain ${t} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${t} output { type nat hook output priority -100; policy accept; }`,
    `add chain ${t} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    // before iptables' filter chains (priority 0); an accept here cannot overrule a drop there (README)
    `add chain ${t} forward { type filter hook forward priority -10; policy accept; }`,
    `add chain ${t} ports`,
    `flush chain ${t} prerouting`,
    `flush chain ${t} output`,
    `flush chain ${t} postrouting`,
    `flush chain ${t} forward`,
    `add rule ${t} prerouting fib daddr type local jump ports`,
    `add rule ${t} output fib daddr type local jump ports`,
    `add rule ${t} postrouting ip saddr ${formatSubnet(subnet)} oifname != "${bridge}" masquerade`,
    `add rule ${t} postrouting ip saddr 127.0.0.0/8 oifname "${bridge}" masquerade`,
    `add rule ${t} forward iifname "${bridge}" accept`,
    `add rule ${t} forward oifname "${bridge}" ct state established,related accept`,
    `add rule ${t} forward oifname "${bridge}" ct status dnat accept`,
    '',
  ].join('\n');
}

export function portRules(table: string, id: string, address: string, bindings: PortBinding[]): string {
  return (
    bindings
      .map(
        (b) =>
          `add rule ip ${table} ports ${b.hostIp ? `ip daddr ${b.hostIp} ` : ''}${b.proto} dport ${b.hostPort} dnat to ${address}:${b.containerPort} comment "${ruleComment(id)}"`,
      )
      .join('\n') + '\n'
  );
}

export async function applyBase(table: string, bridge: string, subnet: Subnet): Promise<void> {
  await mustRun('nft', ['-f', '-'], baseScript(table, bridge, subnet), `nft (table ip ${table})`);
}

/** Handles of the rules in `ports`, by the container ID their comment names. */
export async function portRuleHandles(table: string): Promise<Array<{ id: string; handle: number }>> {
  const r = await runTool('nft', ['-a', 'list', 'chain', 'ip', table, 'ports']);
  if (r.code !== 0) return []; // no table: no rules
  const out: Array<{ id: string; handle: number }> = [];
  for (const line of r.stdout.split('\n')) {
    const m = /comment "tctop:([0-9a-f]{64})" # handle (\d+)/.exec(line);
    if (m) out.push({ id: m[1], handle: Number(m[2]) });
  }
  return out;
}

/** Deletes the rules of every container `doomed` says yes to. */
export async function deletePortRules(table: string, doomed: (id: string) => boolean): Promise<void> {
  const handles = (await portRuleHandles(table)).filter((h) => doomed(h.id));
  if (handles.length === 0) return;
  await mustRun(
    'nft',
    ['-f', '-'],
    handles.map((h) => `delete rule ip ${table} ports handle ${h.handle}`).join('\n') + '\n',
    `nft (table ip ${table})`,
  );
}
