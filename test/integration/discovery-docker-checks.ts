// What "tctop agrees with Docker" means, shared by the Docker discovery tests: identity, init and shim as docker
// inspect says; host PIDs, users and commands as docker top says; container PIDs and namespaces as /proc says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sh } from '../helpers/prereq.js';
import {
  dockerInspect,
  dockerTopPids,
  HOST_NS_PID,
  NAMESPACE_TYPES,
  nsInode,
  ppidOf,
  type InspectJson,
  type PsRowJson,
} from '../helpers/runtimes.js';

/** PID in the innermost PID namespace, from the host's own /proc/<pid>/status NSpid line. */
export function innermostPid(hostPid: number): number {
  const line = /^NSpid:\s*(.+)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1] ?? '';
  return Number(line.trim().split(/\s+/).at(-1));
}

/** docker top's pid -> [user, args], the view tctop's process rows must reproduce. */
export function dockerTopRows(ref: string): Map<number, { user: string; args: string }> {
  const lines = sh('docker', ['top', ref, '-o', 'pid,user,args']).trim().split('\n').slice(1);
  return new Map(
    lines.map((l) => {
      const [pid, user, ...args] = l.trim().split(/\s+/);
      return [Number(pid), { user, args: args.join(' ') }];
    }),
  );
}

/** Everything `docker inspect` says about identity, init and shim matches tctop's object. */
export function assertIdentity(c: InspectJson, ref: string, state = 'running'): void {
  assert.equal(c.id, dockerInspect(ref, '{{.Id}}'));
  assert.equal(c.name, dockerInspect(ref, '{{.Name}}').replace(/^\//, ''));
  assert.equal(c.image, dockerInspect(ref, '{{.Config.Image}}'));
  assert.equal(c.runtime, 'docker');
  assert.equal(c.state, state);
  const initPid = Number(dockerInspect(ref, '{{.State.Pid}}'));
  assert.equal(c.init?.hostPid, initPid, 'init host PID = docker inspect .State.Pid');
  assert.equal(c.processes[0]?.hostPid, initPid, 'init is listed first');
  const shimPid = ppidOf(initPid);
  assert.equal(c.shim?.pid, shimPid, "shim = the init's parent");
  assert.match(c.shim?.command ?? '', /^(\S*\/)?containerd-shim/, 'shim command is containerd-shim');
  assert.match(c.shim?.command ?? '', new RegExp(`-id ${c.id}\\b`));
}

/** Host PIDs, users and command lines equal docker top's; container PIDs equal the host's NSpid. */
export function assertProcessesMatchDockerTop(c: InspectJson, ref: string): void {
  const top = dockerTopRows(ref);
  assert.deepEqual(
    c.processes.map((p) => p.hostPid).sort((a, b) => a - b),
    dockerTopPids(ref),
    'PID set = docker top',
  );
  for (const p of c.processes) {
    assert.equal(p.user, top.get(p.hostPid)?.user, `user of ${p.hostPid}`);
    assert.equal(p.command, top.get(p.hostPid)?.args, `command of ${p.hostPid}`);
    assert.equal(p.containerPid, innermostPid(p.hostPid), `container PID of ${p.hostPid}`);
  }
}

/** Each namespace tctop reports has the init's inode; isolation as expected (pidShared for --pid host). */
export function assertNamespaces(c: InspectJson, pidShared: boolean): void {
  const init = c.init!.hostPid;
  for (const type of NAMESPACE_TYPES) {
    const ns = c.namespaces.find((n) => n.type === type);
    assert.ok(ns, `namespace ${type} reported`);
    assert.equal(ns.inode, nsInode(init, type), `${type} inode = readlink /proc/<init>/ns/${type}`);
    const shared = type === 'pid' && pidShared;
    assert.equal(ns.sharedWithHost, shared, `${type} sharedWithHost`);
    assert.equal(nsInode(HOST_NS_PID, type) === ns.inode, shared, `${type} inode vs the host's`);
  }
}

export function names(rows: PsRowJson[]): string[] {
  return rows.map((r) => r.name).sort();
}
