// The exec mode's command line: the container's init, cgroups, environment (with -e overrides in place), cwd and
// user (the container's, or -u resolved in the image), then the command after "--".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeEnv, execArgs } from '../../../../src/engine/containers/exec.js';
import type { ContainerState } from '../../../../src/engine/containers/state.js';

test("exec arguments carry the container's context and the overrides", (t) => {
  const layer = mkdtempSync(join(tmpdir(), 'tctop-layer-'));
  t.after(() => rmSync(layer, { recursive: true, force: true }));
  mkdirSync(join(layer, 'etc'));
  writeFileSync(join(layer, 'etc/passwd'), 'app:x:1000:1000::/home/app:/bin/sh\n');
  writeFileSync(join(layer, 'etc/group'), 'app:x:1000:\nstaff:x:50:app\n');
  const state = {
    pid: 4242,
    cgroup: { version: 1, dirs: ['/sys/fs/cgroup/memory/tctop/x', '/sys/fs/cgroup/pids/tctop/x'], oomFile: null, path: '/tctop/x' },
    config: { env: ['PATH=/bin', 'A=1'], cwd: '/srv', user: { uid: 0, gid: 0, groups: [0] }, lowerdirs: [layer] },
  } as unknown as ContainerState;
  const plain = execArgs(state, { cmd: ['ls', '-l'], env: [] });
  assert.deepEqual(plain.args, [
    'exec',
    '--pid',
    '4242',
    '--cgroup',
    '/sys/fs/cgroup/memory/tctop/x',
    '--cgroup',
    '/sys/fs/cgroup/pids/tctop/x',
    '--env-fd',
    '3',
    '--cwd',
    '/srv',
    '--uid',
    '0',
    '--gid',
    '0',
    '--groups',
    '0',
    '--caps-default',
    '--',
    'ls',
    '-l',
  ]);
  assert.deepEqual(plain.env, ['PATH=/bin', 'A=1']);
  const custom = execArgs(state, { cmd: ['id'], env: ['A=2', 'B=3'], user: 'app', workdir: '/tmp' });
  assert.deepEqual(custom.args.slice(custom.args.indexOf('--env-fd')), [
    '--env-fd',
    '3',
    '--cwd',
    '/tmp',
    '--uid',
    '1000',
    '--gid',
    '1000',
    '--groups',
    '1000,50',
    '--caps-default',
    '--',
    'id',
  ]);
  assert.deepEqual(custom.env, ['PATH=/bin', 'A=2', 'B=3']);
  const it = execArgs(state, { cmd: ['sh'], env: [], interactive: true, tty: true });
  assert.deepEqual(
    it.args.slice(it.args.indexOf('--caps-default')),
    ['--caps-default', '--tty', '--stdin', '--', 'sh'],
    '-it: a pty, and stdin relayed',
  );
});

test('the environment never travels in argv: it is NUL-separated on its own descriptor', () => {
  const state = {
    pid: 1,
    cgroup: { version: 1, dirs: [], oomFile: null, path: '/tctop/x' },
    config: { env: ['SECRET=hunter2'], cwd: '/', user: { uid: 0, gid: 0, groups: [] }, lowerdirs: [] },
  } as unknown as ContainerState;
  const { args, env } = execArgs(state, { cmd: ['true'], env: ['TOKEN=abc def'] });
  assert.ok(!args.some((a) => a.includes('hunter2') || a.includes('abc def')));
  assert.equal(encodeEnv(env).toString(), 'SECRET=hunter2\0TOKEN=abc def\0');
});
