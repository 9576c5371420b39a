// The exec mode's command line: the container's init, cgroups, environment (with -e overrides in place), cwd and
// user (the container's, or -u resolved in the image), then the command after "--".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execArgs } from '../../../../src/engine/containers/exec.js';
import type { ContainerState } from '../../../../src/engine/containers/state.js';

test('exec arguments carry the container\'s context and the overrides', (t) => {
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
  assert.deepEqual(execArgs(state, { cmd: ['ls', '-l'], env: [] }), [
    'exec', '--pid', '4242', '--cgroup', '/sys/fs/cgroup/memory/tctop/x', '--cgroup', '/sys/fs/cgroup/pids/tctop/x',
    '--env', 'PATH=/bin', '--env', 'A=1', '--cwd', '/srv', '--uid', '0', '--gid', '0', '--groups', '0', '--caps-default', '--', 'ls', '-l',
  ]);
  const custom = execArgs(state, { cmd: ['id'], env: ['A=2', 'B=3'], user: 'app', workdir: '/tmp' });
  assert.deepEqual(custom.slice(custom.indexOf('--env')), ['--env', 'PATH=/bin', '--env', 'A=2', '--env', 'B=3', '--cwd', '/tmp', '--uid', '1000', '--gid', '1000', '--groups', '1000,50', '--caps-default', '--', 'id']);
});
