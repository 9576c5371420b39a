// What the launcher starts before node loads the CLI (~8 ms): the PID-namespace survey that `ps`, `stats` and
// `inspect --pid` scan this host's /proc with (src/host/procfs/pidns-prestart.ts). A rough look at argv is enough
// either way: a survey started for nothing costs ~15 ms of the other core and is not waited for; one not started
// here is started by the scan itself.
import { readHostNamespaces } from '../discovery/host-namespaces.js';
import { hostPaths } from '../host/paths.js';
import { prestartPidnsSurvey } from '../host/procfs/pidns-prestart.js';
import { HostReader } from '../host/reader.js';

export function prestartFor(argv: string[]): void {
  const [command, ...args] = argv.slice(2);
  const is = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  // a container reference (inspect, top <ref>) is answered before that pass when a runtime's container bears it
  // (report/resolve.ts); a host PID may be a sandbox's, which only the pass finds
  const wantsPass = command === 'ps' || command === 'stats' || (command === 'inspect' && is('--pid'));
  if (!wantsPass || is('--root', '--help', '-h')) return;
  prestartPidnsSurvey('/proc', readHostNamespaces(new HostReader(hostPaths('/'))).namespaces.pid);
}
