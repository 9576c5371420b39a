// Every command of the CLI. Each file registers its own options; heavy modules load only inside actions.
import type { Command } from 'commander';

type Register = (program: Command) => void;

/** In help order. `top` also holds the default action: `tctop` alone opens the dashboard. */
const GROUPS: Array<{ names: string[]; load: () => Promise<Register> }> = [
  { names: ['top'], load: async () => (await import('./top.js')).registerTop },
  { names: ['ps'], load: async () => (await import('./ps.js')).registerPs },
  { names: ['inspect'], load: async () => (await import('./inspect.js')).registerInspect },
  { names: ['stats'], load: async () => (await import('./stats.js')).registerStats },
  { names: ['events'], load: async () => (await import('./events.js')).registerEvents },
  { names: ['info'], load: async () => (await import('./info.js')).registerInfo },
  { names: ['serve'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['run'], load: async () => (await import('./engine/run.js')).registerRun },
  { names: ['create'], load: async () => (await import('./engine/create.js')).registerCreate },
  { names: ['start', 'stop', 'kill', 'restart', 'rm'], load: async () => (await import('./engine/lifecycle.js')).registerLifecycle },
  { names: ['logs'], load: async () => (await import('./engine/logs.js')).registerLogs },
  { names: ['exec'], load: async () => (await import('./engine/exec.js')).registerExec },
  { names: ['wait'], load: async () => (await import('./engine/wait.js')).registerWait },
  { names: ['attach'], load: async () => (await import('./engine/attach.js')).registerAttach },
  { names: ['port'], load: async () => (await import('./engine/port.js')).registerPort },
  { names: ['pause', 'unpause'], load: async () => (await import('./engine/pause.js')).registerPause },
  { names: ['update'], load: async () => (await import('./engine/update.js')).registerUpdate },
  { names: ['cp'], load: async () => (await import('./engine/cp.js')).registerCp },
  { names: ['export'], load: async () => (await import('./engine/export.js')).registerExport },
  { names: ['images', 'import', 'load', 'rmi'], load: async () => (await import('./images/index.js')).registerImageCommands },
  { names: ['pull', 'push', 'login', 'logout'], load: async () => (await import('./registry/index.js')).registerRegistryCommands },
  { names: ['build', 'commit', 'save', 'tag'], load: async () => (await import('./build/index.js')).registerBuildCommands },
];

/**
 * `tctop <command> …` loads that command's group alone: module loading is a large part of a one-shot command's
 * time. Anything else (help, the dashboard and its root options, a typo commander should suggest a fix for)
 * registers every command.
 */
export async function registerCommands(program: Command, argv: string[] = process.argv): Promise<void> {
  const only = GROUPS.find((g) => g.names.includes(argv[2]));
  if (only && only.names[0] !== 'top') {
    program.enablePositionalOptions(); // as registerTop sets it: root flags never swallow a command's own
    (await only.load())(program);
    return;
  }
  const registers = await Promise.all(GROUPS.map((g) => g.load()));
  for (const register of registers) register(program);
}
