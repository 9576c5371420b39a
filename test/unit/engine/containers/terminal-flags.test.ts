// --restart and --detach-keys parsing (docker's syntax), the launch.conf keys and exec args they become.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../../src/errors.js';
import { encodeLaunchConf, type LaunchConf } from '../../../../src/engine/containers/launch-conf.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys, parseRestart } from '../../../../src/engine/containers/terminal-flags.js';

test('parseRestart: no, always, unless-stopped, on-failure[:N]; anything else is a usage error', () => {
  assert.deepEqual(parseRestart('no'), { name: 'no', maxRetries: 0 });
  assert.deepEqual(parseRestart('always'), { name: 'always', maxRetries: 0 });
  assert.deepEqual(parseRestart('unless-stopped'), { name: 'unless-stopped', maxRetries: 0 });
  assert.deepEqual(parseRestart('on-failure'), { name: 'on-failure', maxRetries: 0 });
  assert.deepEqual(parseRestart('on-failure:5'), { name: 'on-failure', maxRetries: 5 });
  for (const bad of ['', 'sometimes', 'always:2', 'on-failure:', 'on-failure:-1', 'on-failure:x', 'on-failure:99999999999'])
    assert.throws(() => parseRestart(bad), UsageError, bad);
});

test('parseDetachKeys: ctrl-<key> and single characters, comma-separated, as docker', () => {
  assert.deepEqual([...parseDetachKeys(DEFAULT_DETACH_KEYS)], [0x10, 0x11]);
  assert.deepEqual([...parseDetachKeys('ctrl-a,x,ctrl-@,ctrl-[,ctrl-_')], [1, 0x78, 0, 27, 31]);
  assert.deepEqual([...parseDetachKeys('CTRL-Z')], [26]);
  assert.deepEqual([...parseDetachKeys('')], [], 'empty: no detach keys');
  for (const bad of ['ctrl-', 'ctrl-1', 'ab', 'é', 'ctrl-p,,ctrl-q', Array(17).fill('a').join(',')])
    assert.throws(() => parseDetachKeys(bad), UsageError, bad);
});

test('launch.conf: tty, stdin and restart keys only when set', () => {
  const base: LaunchConf = {
    id: 'ab'.repeat(32),
    lowerDirs: ['/l'],
    upperDir: '/u',
    workDir: '/w',
    rootfs: '/r',
    readOnly: false,
    hostname: 'h',
    network: 'none',
    args: ['sh'],
    env: [],
    cwd: '/',
    uid: 0,
    gid: 0,
    groups: [],
    binds: [],
    cgroups: [],
    oomFile: null,
    logFile: '/s/log',
    exitFile: '/s/exit',
  };
  const plain = encodeLaunchConf(base);
  assert.doesNotMatch(plain, /^(tty|stdin|restart|restart_max) /m);
  assert.doesNotMatch(encodeLaunchConf({ ...base, restart: { name: 'no', maxRetries: 0 } }), /^restart /m);
  const all = encodeLaunchConf({ ...base, tty: true, openStdin: true, restart: { name: 'on-failure', maxRetries: 2 } });
  assert.equal(all, plain + 'tty 1\nstdin 1\nrestart on-failure\nrestart_max 2\n');
  assert.match(encodeLaunchConf({ ...base, restart: { name: 'unless-stopped', maxRetries: 0 } }), /\nrestart unless-stopped\n$/);
});
