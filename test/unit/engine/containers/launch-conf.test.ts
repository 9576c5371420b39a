// launch.conf encoding: the byte-level contract with the shim's decoder.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeLaunchConf, percentEncode, writeLaunchConf, type LaunchConf } from '../../../../src/engine/containers/launch-conf.js';

const ID = 'ab'.repeat(32);

function conf(over: Partial<LaunchConf> = {}): LaunchConf {
  return {
    id: ID,
    lowerDirs: ['/s/l2', '/s/l1'],
    upperDir: '/c/upper',
    workDir: '/c/work',
    rootfs: '/c/rootfs',
    readOnly: false,
    hostname: 'abababababab',
    network: 'none',
    args: ['sh', '-c', 'echo "a b"; exit 3'],
    env: ['PATH=/usr/bin:/bin', 'X=1 2'],
    cwd: '/',
    uid: 0,
    gid: 0,
    groups: [],
    binds: [],
    cgroups: ['/sys/fs/cgroup/memory/tctop/' + ID],
    oomFile: '/sys/fs/cgroup/memory/tctop/' + ID + '/memory.oom_control',
    logFile: '/c/container.log',
    exitFile: '/c/exit.json',
    ...over,
  };
}

function decode(v: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '%') {
      out.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(v.charCodeAt(i));
  }
  return Buffer.from(out);
}

test('percent-encoding escapes controls, space, %, DEL and every non-ASCII byte, and round-trips', () => {
  assert.equal(percentEncode('a b%c\n\x7f'), 'a%20b%25c%0A%7F');
  assert.equal(percentEncode('é'), '%C3%A9');
  assert.equal(percentEncode(Buffer.from([0xff, 0x41])), '%FFA');
  const nasty = 'x\t\r\n y%%20 "q" ü \u0001';
  assert.equal(decode(percentEncode(nasty)).toString('utf8'), nasty);
  assert.match(percentEncode(nasty), /^[\x21-\x7e]+$/);
});

test('records come out in the contract order, one a line, repeatable keys repeated', () => {
  const text = encodeLaunchConf(
    conf({ binds: [{ source: '/h/my dir', destination: '/data', readOnly: true }], groups: [10, 20], readOnly: true, network: 'host' }),
  );
  const lines = text.split('\n');
  assert.equal(lines.at(-1), '');
  const keys = lines.slice(0, -1).map((l) => l.split(' ')[0]);
  assert.deepEqual(keys, [
    'id',
    'lowerdir',
    'lowerdir',
    'upperdir',
    'workdir',
    'rootfs',
    'readonly',
    'hostname',
    'network',
    'arg',
    'arg',
    'arg',
    'env',
    'env',
    'cwd',
    'uid',
    'gid',
    'groups',
    'bind',
    'cgroup',
    'oom_file',
    'log',
    'exit_file',
  ]);
  assert.ok(lines.includes('lowerdir /s/l2'));
  assert.ok(lines.indexOf('lowerdir /s/l2') < lines.indexOf('lowerdir /s/l1'), 'top-most layer first');
  assert.ok(lines.includes('readonly 1'));
  assert.ok(lines.includes('network host'));
  assert.ok(lines.includes('groups 10,20'));
  assert.ok(lines.includes('bind /h/my%20dir /data ro'));
  assert.ok(lines.includes('arg echo%20"a%20b";%20exit%203'));
  assert.ok(lines.includes('env X=1%202'));
  for (const l of lines.slice(0, -1)) assert.match(l, /^[a-z_]+ [\x21-\x7e]*( [\x21-\x7e]+ (ro|rw))?$/);
});

test('no oom_file line without a memory controller; no groups line without groups', () => {
  const text = encodeLaunchConf(conf({ oomFile: null }));
  assert.doesNotMatch(text, /^oom_file /m);
  assert.doesNotMatch(text, /^groups /m);
});

test('malformed confs are refused before anything is written', () => {
  assert.throws(() => encodeLaunchConf(conf({ id: 'abc' })), /64 hex/);
  assert.throws(() => encodeLaunchConf(conf({ lowerDirs: [] })), /lowerdir/);
  assert.throws(() => encodeLaunchConf(conf({ args: [] })), /no command/);
  assert.throws(() => encodeLaunchConf(conf({ rootfs: 'relative' })), /rootfs must be an absolute/);
  assert.throws(() => encodeLaunchConf(conf({ args: ['a\0b'] })), /NUL/);
  assert.throws(() => encodeLaunchConf(conf({ uid: -1 })), /bad uid/);
  assert.throws(() => encodeLaunchConf(conf({ binds: [{ source: 'rel', destination: '/d', readOnly: false }] })), /bind source/);
});

test('writeLaunchConf replaces the file atomically and leaves no temp file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tctop-lc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'launch.conf');
  await writeLaunchConf(path, conf());
  await writeLaunchConf(path, conf({ hostname: 'second' }));
  assert.match(readFileSync(path, 'utf8'), /^hostname second$/m);
  assert.deepEqual(readdirSync(dir), ['launch.conf']);
  await assert.rejects(writeLaunchConf(path, conf({ id: 'x' })));
  assert.match(readFileSync(path, 'utf8'), /^hostname second$/m);
});
