// The one /etc/passwd parser: the host's (user names, rootless homes) and an image's (-u).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePasswd } from '../../../src/host/passwd.js';

test('parsePasswd keeps well-formed entries in file order and skips the rest', () => {
  const text = [
    'root:x:0:0:root:/root:/bin/bash',
    '# a comment:x:1:1::/:/bin/sh',
    'short:x:5',
    'noid:x::100::/home/noid:/bin/sh', // an empty UID is not root
    'bad:x:1a:100::/:/bin/sh',
    'app:x:1000:1000::/home/app:/bin/sh',
    'nohome:x:1001:1001:::/bin/sh',
    '',
  ].join('\n');
  assert.deepEqual(parsePasswd(text), [
    { name: 'root', uid: 0, gid: 0, home: '/root' },
    { name: 'app', uid: 1000, gid: 1000, home: '/home/app' },
    { name: 'nohome', uid: 1001, gid: 1001, home: '' },
  ]);
  assert.deepEqual(parsePasswd(null), []);
});
