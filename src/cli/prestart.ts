// What the launcher starts before node loads the CLI (~8 ms): the PID-namespace survey that `ps` and `inspect` scan
// this host's /proc with (src/host/procfs/pidns-prestart.ts). A rough look at argv is enough either way: a survey
// started for nothing costs ~15 ms of the other core and is not waited for; one not started here is started by the
// scan itself.
import { readHostNamespaces } from '../discovery/host-namespaces.js';
import { hostPaths } from '../host/paths.js';
import { prestartPidnsSurvey } from '../host/procfs/pidns-prestart.js';
import { HostReader } from '../host/reader.js';
import { mayBeAnsweredByFullIds } from '../report/full-ids.js';

export function prestartFor(argv: string[]): void {
  const [command, ...args] = argv.slice(2);
  const is = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  // `top` with a container is docker top (a one-shot scan); alone, or with -b/-n/-d, the dashboard
  const topOfOne = command === 'top' && args.some((a) => !a.startsWith('-')) && !is('-b', '--batch', '-n', '--iterations', '-d', '--delay');
  if (command !== 'ps' && command !== 'inspect' && command !== 'stats' && !topOfOne) return;
  if (is('--root', '--help', '-h')) return;
  if (command === 'inspect' && !is('--pid') && mayBeAnsweredByFullIds(args.filter((a) => !a.startsWith('-')))) return;
  prestartPidnsSurvey('/proc', readHostNamespaces(new HostReader(hostPaths('/'))).namespaces.pid);
}
