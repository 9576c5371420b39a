// mountinfo as the kernel writes it (lines captured on this machine's 6.18 kernel) and as a hostile container can
// make it: escaped bytes in paths, a raw newline, fields missing, options with colons and commas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlayLowerDirs, parseMountinfo, parseMountLine, superOption, unescapeOctal } from '../../../src/host/procfs/mountinfo.js';

const DOCKER_ROOT =
  '75 51 0:40 / / rw,relatime master:2 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/S3MO6SOIBTS2RVZDORPB3TTQKN:/var/lib/docker/overlay2/l/JRQGFLX77JAOYPRLJQB2EHORB6,upperdir=/var/lib/docker/overlay2/f7a5/diff,workdir=/var/lib/docker/overlay2/f7a5/work';

test('a docker overlay root: fields, lower dirs top-most first, upper and work', () => {
  const m = parseMountLine(DOCKER_ROOT)!;
  assert.equal(m.mountId, 75);
  assert.equal(m.parentId, 51);
  assert.equal(m.device, '0:40');
  assert.equal(m.root, '/');
  assert.equal(m.mountPoint, '/');
  assert.deepEqual(m.options, ['rw', 'relatime']);
  assert.equal(m.fsType, 'overlay');
  assert.equal(m.source, 'overlay');
  assert.deepEqual(overlayLowerDirs(m), [
    '/var/lib/docker/overlay2/l/S3MO6SOIBTS2RVZDORPB3TTQKN',
    '/var/lib/docker/overlay2/l/JRQGFLX77JAOYPRLJQB2EHORB6',
  ]);
  assert.equal(superOption(m, 'upperdir'), '/var/lib/docker/overlay2/f7a5/diff');
  assert.equal(superOption(m, 'workdir'), '/var/lib/docker/overlay2/f7a5/work');
  assert.equal(superOption(m, 'nope'), undefined);
});

test('octal escapes in root, mount point and source are undone; a raw backslash without digits is kept', () => {
  const m = parseMountLine('92 75 254:0 /tmp/a\\040b\\011c\\012d\\134e /da\\040ta rw,relatime - ext4 /dev/v\\040da rw')!;
  assert.equal(m.root, '/tmp/a b\tc\nd\\e');
  assert.equal(m.mountPoint, '/da ta');
  assert.equal(m.source, '/dev/v da');
  assert.equal(unescapeOctal('a\\x\\9b'), 'a\\x\\9b');
});

test('overlay lower dirs with a colon, comma and space in a name (the kernel line for lowerdir=lo w\\:1\\,x:l2)', () => {
  // captured: mount -t overlay -o 'lowerdir=/t/lo w\:1\,x:/t/l2,upperdir=/t/up,workdir=/t/wk'
  const line =
    '62 27 0:52 / /t/mnt rw,relatime - overlay overlay rw,lowerdir=/t/lo\\040w\\134:1\\134\\054x:/t/l2,upperdir=/t/up,workdir=/t/wk,uuid=on';
  const m = parseMountLine(line)!;
  assert.deepEqual(overlayLowerDirs(m), ['/t/lo w:1,x', '/t/l2']);
  assert.equal(superOption(m, 'upperdir'), '/t/up');
});

test('the new mount API: lowerdir+ and datadir+ add one layer each, after lowerdir=', () => {
  const m = parseMountLine('1 0 0:1 / / rw - overlay overlay rw,lowerdir=/a:/b,lowerdir+=/c\\054d,datadir+=/e,upperdir=/u,workdir=/w')!;
  assert.deepEqual(overlayLowerDirs(m), ['/a', '/b', '/c,d', '/e']);
});

test('optional fields (shared:, master:, propagate_from:) in any number before the separator', () => {
  const m = parseMountLine(
    '45 27 254:0 /var/lib/docker /var/lib/docker rw,relatime shared:1 master:3 propagate_from:2 - ext4 /dev/vda rw',
  )!;
  assert.equal(m.fsType, 'ext4');
  assert.equal(m.root, '/var/lib/docker');
  const none = parseMountLine('22 27 0:21 / /proc rw,relatime - proc proc rw')!;
  assert.equal(none.fsType, 'proc');
});

test('hostile and broken lines are skipped and counted, never thrown on', () => {
  const text = [
    DOCKER_ROOT,
    '', // blank lines are not records
    '75 51 0:40 / /', // fields missing
    '75 51 0:40 / / rw - overlay', // no source
    'x 51 0:40 / / rw - ext4 /dev/vda rw', // id not a number
    '75 51 zero / / rw - ext4 /dev/vda rw', // device not major:minor
    '75 51 0:40 / / rw master:1 ext4 /dev/vda rw', // no separator
    // a raw newline in a path (the kernel escapes it; a fixture or a hostile file may not): two broken halves
    '93 75 254:0 /var/lib/a',
    'b /vol rw - ext4 /dev/vda rw',
    '94 75 0:49 / /scratch rw,nosuid - tmpfs tmpfs rw',
  ].join('\n');
  const { mounts, malformed } = parseMountinfo(text);
  assert.deepEqual(
    mounts.map((m) => m.mountPoint),
    ['/', '/scratch'],
  );
  assert.equal(malformed, 7);
});

test('a raw space inside the super options costs that option only', () => {
  const m = parseMountLine('1 0 0:1 / / rw - fuse.x src a=1,b=two words,c=3')!;
  assert.deepEqual(m.superOptions, ['a=1', 'b=two words', 'c=3']);
  assert.equal(m.fsType, 'fuse.x');
});

test('invalid UTF-8 and escape sequences in a path come through as data (consumers escape them)', () => {
  const m = parseMountLine('1 0 0:1 /\u001b[31m\ufffd / rw - ext4 /dev/vda rw')!;
  assert.equal(m.root, '/\u001b[31m\ufffd');
});
