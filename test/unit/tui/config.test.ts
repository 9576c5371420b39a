import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configPath, configuredColumns, parseConfig, readConfig, writeConfig } from '../../../src/tui/config.js';

test('config path: XDG_CONFIG_HOME, else ~/.config', () => {
  assert.equal(configPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/tctop/config.json');
  assert.equal(configPath({ HOME: '/h' }), '/h/.config/tctop/config.json');
});

test('config: every key checked, errors name the file', () => {
  assert.deepEqual(parseConfig('{"sort":"mem","reverse":true,"refreshSeconds":2,"colours":false,"columns":["NAME","CPU%"]}', 'f'), {
    sort: 'mem',
    reverse: true,
    refreshSeconds: 2,
    colours: false,
    columns: ['NAME', 'CPU%'],
  });
  for (const [text, why] of [
    ['{', /f: not JSON/],
    ['[]', /expected a JSON object/],
    ['{"sort":"colour"}', /"sort" must be one of/],
    ['{"columns":["NAME","BOGUS"]}', /"columns" must list some of/],
    ['{"columns":["CPU%"]}', /must include NAME/],
    ['{"refreshSeconds":0}', /from 0.1 to 3600/],
    ['{"colours":"yes"}', /true or false/],
    ['{"theme":"dark"}', /unknown key "theme"/],
  ] as const)
    assert.throws(() => parseConfig(text, 'f'), why);
  assert.deepEqual(
    configuredColumns({ columns: ['STATE', 'NAME'] }).map((c) => c.header),
    ['STATE', 'NAME'],
  );
});

test('config: a missing file is no settings; written atomically and read back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'tctop', 'config.json');
  assert.deepEqual(readConfig(path), {});
  await writeConfig(path, { sort: 'name', reverse: false });
  assert.deepEqual(readConfig(path), { sort: 'name', reverse: false });
  assert.equal(statSync(path).mode & 0o777, 0o644);
  assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
});
