// A PID-namespace survey started by the launcher (src/cli/launch.ts) before node has loaded the CLI, for the scan of
// `ps` and `inspect`: the helper then runs on the other core while the CLI loads (~8 ms), not only while the scan
// reads the container cgroups, and it is forked by a smaller process. Launcher and CLI are separate bundles, so the
// survey is handed over through a global symbol. Until the scan takes it, it does not keep the process alive: a
// command that ends up not scanning (a usage error, --help) exits without waiting for it.
import type { Socket } from 'node:net';
import { startPidnsSurvey, type PidnsSurvey } from './pidns-aside.js';

const KEY = Symbol.for('tctop.prestartedPidnsSurvey');

interface Prestarted {
  procDir: string;
  hostPidns: number | undefined;
  survey: Promise<PidnsSurvey | null>;
  /** From now on, the survey keeps the process alive until it is in. */
  hold(): void;
}

type WithPrestarted = typeof globalThis & { [KEY]?: Prestarted };

export function prestartPidnsSurvey(procDir: string, hostPidns: number | undefined, helper?: string): void {
  const started = startPidnsSurvey(procDir, hostPidns, helper);
  const stdout = started.child?.stdout as Socket | null | undefined;
  started.child?.unref();
  stdout?.unref();
  const hold = () => {
    started.child?.ref();
    stdout?.ref();
  };
  (globalThis as WithPrestarted)[KEY] = { procDir, hostPidns, survey: started.survey, hold };
}

/** The survey started earlier for this /proc and host PID namespace, once; undefined when there is none. */
export function takePrestartedSurvey(procDir: string, hostPidns: number | undefined): Promise<PidnsSurvey | null> | undefined {
  const g = globalThis as WithPrestarted;
  const p = g[KEY];
  if (!p || p.procDir !== procDir || p.hostPidns !== hostPidns) return undefined;
  delete g[KEY];
  p.hold();
  return p.survey;
}
