// The CLI's commands, grouped by the module that registers them, in help order. A leaf (no imports): the launcher
// reads it to pick the bundle that holds a command's group (launch.ts), before any of the CLI is loaded.

/** Each group is named by its first command; `top` also holds the default action (`tctop` alone). */
export const COMMAND_GROUPS: readonly (readonly string[])[] = [
  ['top'],
  ['ps'],
  ['inspect'],
  ['stats'],
  ['events'],
  ['info'],
  ['serve'],
  ['run'],
  ['create'],
  ['start', 'stop', 'kill', 'restart', 'rm'],
  ['logs'],
  ['exec'],
  ['wait'],
  ['attach'],
  ['port'],
  ['pause', 'unpause'],
  ['update'],
  ['cp'],
  ['export'],
  ['images', 'import', 'load', 'rmi'],
  ['pull', 'push', 'login', 'logout'],
  ['build', 'commit', 'save', 'tag'],
];

/** The group (its first command) that `word` belongs to; undefined for anything else (help, flags, typos). */
export function commandGroup(word: string | undefined): string | undefined {
  return word === undefined ? undefined : COMMAND_GROUPS.find((names) => names.includes(word))?.[0];
}
