// Stop/kill/restart/remove from the dashboard. tctop's own containers go through the engine's CLI (a child
// process, so the UI never waits); other runtimes' containers are theirs to manage, and we say with which tool (each
// runtime's adapter knows its own: discovery/adapters, `actionHint`).
import { execFile } from 'node:child_process';
import { runtimeKnowledge } from '../discovery/adapters/index.js';
import type { ContainerAction } from '../discovery/types.js';
import { cliPath } from '../package-root.js';
import type { RuntimeName } from '../snapshot/model.js';
import { escapeControls } from '../text/sanitize.js';

export type { ContainerAction };

/** The engine's CLI verb for each action. */
const ENGINE_VERB: Record<ContainerAction, string> = { stop: 'stop', kill: 'kill', restart: 'restart', remove: 'rm' };

export type ActionPlan = { kind: 'engine'; argv: string[] } | { kind: 'foreign'; message: string };

export function planAction(action: ContainerAction, container: { id: string; name: string; runtime: RuntimeName }): ActionPlan {
  if (container.runtime === 'tctop') return { kind: 'engine', argv: [ENGINE_VERB[action], container.id] };
  const safe = { id: escapeControls(container.id), name: escapeControls(container.name) };
  const hint = runtimeKnowledge(container.runtime)?.actionHint?.(action, safe);
  return {
    kind: 'foreign',
    message: hint ? `managed by ${container.runtime}: use ${hint}` : `managed by ${container.runtime}: tctop cannot ${action} it`,
  };
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
