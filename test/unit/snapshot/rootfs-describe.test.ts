// A container's root filesystem from its mount table and the host's: the overlay's layers, the host sources of bind
// mounts and volumes (the mount's root within its filesystem + where the host mounts that filesystem), tmpfs, and
// runtimes that give a container a plain directory (LXC, nspawn) or a filesystem of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMountinfo } from '../../../src/host/procfs/mountinfo.js';
import { describeRootfs, hostMountHolding, hostPathOf, rootMount } from '../../../src/snapshot/rootfs/describe.js';

const HOST = parseMountinfo(
  [
    '22 27 0:21 / /proc rw,relatime - proc proc rw',
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '45 27 254:0 /var/lib/docker /var/lib/docker rw,relatime shared:1 - ext4 /dev/vda rw',
    '50 27 8:16 / /srv/data rw,relatime - xfs /dev/sdb rw',
    '51 27 8:16 /exports/a /mnt/a rw,relatime - xfs /dev/sdb rw',
  ].join('\n'),
).mounts;

const DOCKER = parseMountinfo(
  [
    '75 51 0:40 / / rw,relatime master:2 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B,upperdir=/var/lib/docker/overlay2/f7/diff,workdir=/var/lib/docker/overlay2/f7/work',
    '76 75 0:43 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
    '77 75 0:44 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755',
    '91 77 0:48 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k',
    '92 75 254:0 /tmp/probe\\040dir /data ro,relatime - ext4 /dev/vda rw',
    '93 75 254:0 /var/lib/docker/volumes/v/_data /vol rw,relatime master:1 - ext4 /dev/vda rw',
    '94 75 0:49 / /scratch rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw',
    '95 75 8:16 /exports/a/sub /deep rw,relatime - xfs /dev/sdb rw',
    '96 75 8:32 / /other rw,relatime - ext4 /dev/sdc rw',
    '57 76 0:44 /null /proc/keys rw,nosuid - tmpfs tmpfs rw',
  ].join('\n'),
).mounts;

test('docker: overlay root with its lower, upper and work dirs, the upper on the host device that holds it', () => {
  const r = describeRootfs(DOCKER, HOST)!;
  assert.equal(r.kind, 'overlay');
  assert.deepEqual(
    r.lower.map((l) => l.path),
    ['/var/lib/docker/overlay2/l/A', '/var/lib/docker/overlay2/l/B'],
  );
  assert.equal(r.upper, '/var/lib/docker/overlay2/f7/diff');
  assert.equal(r.work, '/var/lib/docker/overlay2/f7/work');
  assert.equal(r.upperDevice, '/dev/vda');
  assert.equal(r.readOnly, false);
});

test('mounts: binds and volumes with host sources, tmpfs, other filesystems; plumbing under /proc, /dev left out', () => {
  const r = describeRootfs(DOCKER, HOST)!;
  assert.deepEqual(
    r.mounts.map((m) => [m.destination, m.kind, m.source, m.readOnly]),
    [
      ['/data', 'bind', '/tmp/probe dir', true],
      ['/vol', 'bind', '/var/lib/docker/volumes/v/_data', false],
      ['/scratch', 'tmpfs', 'tmpfs', false],
      // a subdir of a filesystem the host mounts only in part: found through the host mount of /exports/a
      ['/deep', 'bind', '/mnt/a/sub', false],
      // a filesystem the host does not mount at all: its device
      ['/other', 'other', '/dev/sdc', false],
    ],
  );
});

test('host paths: the longest host root that holds the mount root wins; none when the host mounts no part of it', () => {
  assert.equal(hostPathOf('254:0', '/var/lib/docker/volumes/v', HOST), '/var/lib/docker/volumes/v');
  assert.equal(hostPathOf('8:16', '/exports/a', HOST), '/mnt/a');
  assert.equal(hostPathOf('8:16', '/x', HOST), '/srv/data/x');
  assert.equal(hostPathOf('9:9', '/x', HOST), undefined);
  // a path that only shares a prefix of characters is not under a root
  assert.equal(hostPathOf('8:16', '/exports/ab', HOST), '/srv/data/exports/ab');
});

test('LXC and nspawn directories: the root is a bind of a host directory', () => {
  const lxc = parseMountinfo(
    [
      '300 250 254:0 /var/lib/lxc/web/rootfs / rw,relatime - ext4 /dev/vda rw',
      '301 300 0:60 / /proc rw - proc proc rw',
      '302 300 254:0 /srv/share /mnt/share rw,relatime - ext4 /dev/vda rw',
    ].join('\n'),
  ).mounts;
  const r = describeRootfs(lxc, HOST)!;
  assert.equal(r.kind, 'bind');
  assert.equal(r.source, '/var/lib/lxc/web/rootfs');
  assert.deepEqual(r.lower, []);
  assert.equal(r.upper, undefined);
  assert.deepEqual(
    r.mounts.map((m) => [m.destination, m.source]),
    [['/mnt/share', '/srv/share']],
  );
});

test('an image file of its own (nspawn -i): the root is its device', () => {
  const img = parseMountinfo('400 350 7:0 / / rw,relatime - ext4 /dev/loop0 rw').mounts;
  const r = describeRootfs(img, HOST)!;
  assert.equal(r.kind, 'device');
  assert.equal(r.source, '/dev/loop0');
});

test('stacked mounts at /: the top one is the root; no mount at / is no root', () => {
  const stacked = parseMountinfo(
    ['10 1 254:0 /a / rw - ext4 /dev/vda rw', '11 10 0:50 / / ro - tmpfs tmpfs rw', '12 11 0:51 / /x rw - tmpfs tmpfs rw'].join('\n'),
  ).mounts;
  assert.equal(rootMount(stacked)?.mountId, 11);
  assert.equal(describeRootfs(stacked, HOST)?.readOnly, true);
  assert.equal(describeRootfs(parseMountinfo('12 11 0:51 / /x rw - tmpfs tmpfs rw').mounts, HOST), undefined);
});

test('the host mount holding a path: the deepest mount point above it, the top one of a stack there', () => {
  const host = parseMountinfo(
    [
      '27 1 254:0 / / rw - ext4 /dev/vda rw',
      '45 27 254:0 /var/lib/docker /var/lib/docker rw - ext4 /dev/vda rw',
      '46 45 0:50 / /var/lib/docker rw - tmpfs stacked rw',
      '50 27 8:16 / /srv/data rw - xfs /dev/sdb rw',
    ].join('\n'),
  ).mounts;
  assert.equal(hostMountHolding('/var/lib/docker/overlay2/f7/diff', host)?.source, 'stacked');
  assert.equal(hostMountHolding('/var/lib/docker', host)?.source, 'stacked');
  assert.equal(hostMountHolding('/srv/data/', host)?.source, '/dev/sdb');
  assert.equal(hostMountHolding('/srv/database', host)?.source, '/dev/vda', 'a sibling with a longer name is not under it');
  assert.equal(hostMountHolding('/', host)?.source, '/dev/vda');
  assert.equal(hostMountHolding('/x', []), undefined);
});
