// Stop/kill/restart/remove from the dashboard. tctop's own containers go through the engine's CLI (a child
// process, so the UI never waits); other runtimes' containers are theirs to manage, and we say with which tool.
import { execFile } from 'node:child_process';
import { cliPath } from '../package-root.js';
import type { RuntimeName } from '../snapshot/model.js';
import { escapeControls } from '../text/sanitize.js';

export type ContainerAction = 'stop' | 'kill' | 'restart' | 'remove';

/** The engine's CLI verb for each action. */
const ENGINE_VERB: Record<ContainerAction, string> = { stop: 'stop', kill: 'kill', restart: 'restart', remove: 'rm' };

const MANAGER: Record<Exclude<RuntimeName, 'tctop'>, (a: ContainerAction, ref: string) => string> = {
  docker: (a, ref) => `docker ${ENGINE_VERB[a]} ${ref}`,
  podman: (a, ref) => `podman ${ENGINE_VERB[a]} ${ref}`,
  containerd: (a, ref) => (a === 'remove' ? `ctr task delete ${ref}; ctr container rm ${ref}` : `ctr task kill ${ref} (or crictl ${ENGINE_VERB[a]})`),
  'cri-o': (a, ref) => `crictl ${ENGINE_VERB[a]} ${ref}`,
  sandbox: (a, ref) => `crictl ${a === 'remove' ? 'rmp' : 'stopp'} ${ref}`,
  lxc: (a, ref) => (a === 'remove' ? `lxc-destroy -n ${ref}` : a === 'kill' ? `lxc-stop -k -n ${ref}` : a === 'restart' ? `lxc-stop -r -n ${ref}` : `lxc-stop -n ${ref}`),
  nspawn: (a, ref) => (a === 'remove' ? `machinectl remove ${ref}` : a === 'kill' ? `machinectl terminate ${ref}` : a === 'restart' ? `machinectl reboot ${ref}` : `machinectl poweroff ${ref}`),
  runc: (a, ref) => (a === 'remove' ? `runc delete ${ref}` : `runc kill ${ref}${a === 'kill' ? ' KILL' : ''}`),
};

export type ActionPlan = { kind: 'engine'; argv: string[] } | { kind: 'foreign'; message: string };

export function planAction(action: ContainerAction, container: { id: string; name: string; runtime: RuntimeName }): ActionPlan {
  if (container.runtime === 'tctop') return { kind: 'engine', argv: [ENGINE_VERB[action], container.id] };
  const ref = escapeControls(container.runtime === 'docker' || container.runtime === 'podman' ? container.name || container.id.slice(0, 12) : container.name || container.id);
  return { kind: 'foreign', message: `managed by ${container.runtime}: use ${MANAGER[container.runtime](action, ref)}` };
}

/** Runs `tctop <argv>` without blocking; resolves with its outcome as one line for the status bar. */
export function runEngine(argv: string[], binary = cliPath()): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binary, ...argv], { timeout: 60_000, maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      const detail = escapeControls(String(stderr).trim().split('\n').pop() ?? '');
      if (err) resolve({ ok: false, message: detail || `tctop ${argv[0]} failed` });
      else resolve({ ok: true, message: `tctop ${argv.join(' ')}: done` });
    });
  });
}
