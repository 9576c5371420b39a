// The CLI's command groups (src/cli/commands/groups.ts) agree with what each group's module registers, and the build
// made a bundle per group that holds that group alone and is what the launcher starts for its commands.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMAND_GROUPS, commandGroup } from '../../../src/cli/commands/groups.js';
import { loadGroup } from '../../../src/cli/commands/index.js';
import { packageRoot } from '../../../src/package-root.js';

test('each group registers exactly its commands; every command is in one group', async () => {
  const all = COMMAND_GROUPS.flat();
  assert.equal(new Set(all).size, all.length);
  for (const names of COMMAND_GROUPS) {
    const program = new Command('tctop').enablePositionalOptions(); // as registerCommands sets it
    (await loadGroup(names[0]))(program);
    assert.deepEqual(
      program.commands.map((c) => c.name()),
      [...names],
      names[0],
    );
  }
});

test("a command word finds its group's name; anything else none", () => {
  assert.equal(commandGroup('run'), 'run');
  assert.equal(commandGroup('rm'), 'start');
  assert.equal(commandGroup('logout'), 'pull');
  for (const other of [undefined, 'help', '--root', 'nosuch', 'constructor']) assert.equal(commandGroup(other), undefined, other);
});

test("each group's bundle holds its own commands and no other group's", () => {
  const dir = join(packageRoot(), 'dist', 'cli', 'commands');
  const built = readdirSync(dir).sort();
  const expected = COMMAND_GROUPS.filter((names) => names[0] !== 'top').map((names) => `${names[0]}.cjs`);
  assert.deepEqual(built, [...expected].sort());
  const registers = (source: string) => new Set([...source.matchAll(/\.command\("([a-z]+)/g)].map((m) => m[1]));
  for (const names of COMMAND_GROUPS.filter((n) => n[0] !== 'top')) {
    const found = registers(readFileSync(join(dir, `${names[0]}.cjs`), 'utf8'));
    assert.deepEqual([...found].sort(), [...names].sort(), names[0]);
  }
  assert.ok(registers(readFileSync(join(packageRoot(), 'dist', 'cli', 'tctop.cjs'), 'utf8')).size >= COMMAND_GROUPS.flat().length);
});

test("the launcher starts the group's bundle for its commands and the whole CLI otherwise (its code caches say which)", (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'tctop-command-groups-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const tctop = (...args: string[]) =>
    spawnSync(join(packageRoot(), 'bin', 'tctop'), args, { env: { ...process.env, TCTOP_CODE_CACHE_DIR: cache }, encoding: 'utf8' });
  const stop = tctop('stop', '--help');
  assert.equal(stop.status, 0, stop.stderr);
  assert.match(stop.stdout, /^Usage: tctop stop /);
  const help = tctop('--help');
  assert.equal(help.status, 0, help.stderr);
  for (const names of COMMAND_GROUPS) for (const name of names) assert.match(help.stdout, new RegExp(`^  ${name}\\b`, 'm'), name);
  const typo = tctop('stpo');
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /^tctop: unknown command "stpo"/);
  // one cache, named for the command, of the start group's bundle (its size is in the name); none for --help or a typo
  const size = readFileSync(join(packageRoot(), 'dist', 'cli', 'commands', 'start.cjs')).length;
  const files = readdirSync(cache);
  assert.equal(files.length, 1, files.join(' '));
  assert.match(files[0], new RegExp(`^stop-[0-9a-f]{8}-v[0-9.]+-\\d+-${size}-\\d+\\.bin$`));
});
