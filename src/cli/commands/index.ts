// Every command of the CLI. Each file registers its own options; heavy modules load only inside actions.
import type { Command } from 'commander';
import { COMMAND_GROUPS, commandGroup } from './groups.js';

type Register = (program: Command) => void;

/**
 * The one group a one-group bundle holds: the bundler (src/cli/bundle.ts) defines `globalThis.TCTOP_BUNDLE_GROUP`
 * as that group's name, so the switch below keeps its case alone and the other groups' modules stay out of the
 * bundle. Unbundled, and in the whole-CLI bundle, it is undefined and every group loads on demand.
 */
interface BundleGlobal {
  TCTOP_BUNDLE_GROUP?: string;
}

/** A group's register function, by the group's name (its first command). */
export async function loadGroup(group: string): Promise<Register> {
  // the discriminant must stay this expression: it is what the bundler replaces with a constant
  switch ((globalThis as BundleGlobal).TCTOP_BUNDLE_GROUP ?? group) {
    case 'top':
      return (await import('./top.js')).registerTop;
    case 'ps':
      return (await import('./ps.js')).registerPs;
    case 'inspect':
      return (await import('./inspect.js')).registerInspect;
    case 'stats':
      return (await import('./stats.js')).registerStats;
    case 'events':
      return (await import('./events.js')).registerEvents;
    case 'info':
      return (await import('./info.js')).registerInfo;
    case 'serve':
      return (await import('./serve.js')).registerServe;
    case 'run':
      return (await import('./engine/run.js')).registerRun;
    case 'create':
      return (await import('./engine/create.js')).registerCreate;
    case 'start':
      return (await import('./engine/lifecycle.js')).registerLifecycle;
    case 'logs':
      return (await import('./engine/logs.js')).registerLogs;
    case 'exec':
      return (await import('./engine/exec.js')).registerExec;
    case 'wait':
      return (await import('./engine/wait.js')).registerWait;
    case 'attach':
      return (await import('./engine/attach.js')).registerAttach;
    case 'port':
      return (await import('./engine/port.js')).registerPort;
    case 'pause':
      return (await import('./engine/pause.js')).registerPause;
    case 'update':
      return (await import('./engine/update.js')).registerUpdate;
    case 'cp':
      return (await import('./engine/cp.js')).registerCp;
    case 'export':
      return (await import('./engine/export.js')).registerExport;
    case 'images':
      return (await import('./images/index.js')).registerImageCommands;
    case 'pull':
      return (await import('./registry/index.js')).registerRegistryCommands;
    case 'build':
      return (await import('./build/index.js')).registerBuildCommands;
    default:
      throw new Error(`no command group ${group}`);
  }
}

/**
 * `tctop <command> …` loads that command's group alone: module loading is a large part of a one-shot command's
 * time. Anything else (help, the dashboard and its root options, a typo commander should suggest a fix for)
 * registers every command. A one-group bundle is only ever started for a command of its group (launch.ts).
 */
export async function registerCommands(program: Command, argv: string[] = process.argv): Promise<void> {
  const only = (globalThis as BundleGlobal).TCTOP_BUNDLE_GROUP ?? commandGroup(argv[2]);
  if (only && only !== 'top') {
    program.enablePositionalOptions(); // as registerTop sets it: root flags never swallow a command's own
    (await loadGroup(only))(program);
    return;
  }
  const registers = await Promise.all(COMMAND_GROUPS.map((names) => loadGroup(names[0])));
  for (const register of registers) register(program);
}
