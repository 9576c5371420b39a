// The detail view's rootfs pane: short digests, the init layer named, "measuring…" until the first walk ends, then
// the size; hostile paths escaped and cut to the width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRootfs } from '../../../src/snapshot/rootfs/model.js';
import { rootfsPaneLines } from '../../../src/tui/view/rootfs-pane.js';

const rootfs: ContainerRootfs = {
  kind: 'overlay',
  fsType: 'overlay',
  source: 'overlay',
  lower: [
    { path: '/var/lib/docker/overlay2/x-init/diff', storeId: 'x-init', note: "docker's init layer" },
    { path: '/var/lib/docker/overlay2/y/diff', digest: `sha256:${'b'.repeat(64)}` },
  ],
  upper: '/var/lib/docker/overlay2/x/diff',
  readOnly: false,
  mounts: [
    { destination: '/data', kind: 'bind', fsType: 'ext4', source: '/srv/\u001b]2;PWNED\u0007', readOnly: true },
    { destination: '/scratch', kind: 'tmpfs', fsType: 'tmpfs', source: 'tmpfs', readOnly: false },
  ],
  upperDevice: '/dev/vda',
};

test('layers, upper dir with its size once measured, mounts with host sources', () => {
  const measuring = rootfsPaneLines({ rootfs, usage: undefined }, 120);
  assert.deepEqual(measuring, [
    'overlay  2 lower layer(s), top-most first',
    "lower    (docker's init layer)  /var/lib/docker/overlay2/x-init/diff",
    `lower    sha256:${'b'.repeat(12)}  /var/lib/docker/overlay2/y/diff`,
    'upper    /var/lib/docker/overlay2/x/diff  measuring… on /dev/vda',
    'bind     /data <- /srv/\\e]2;PWNED\\x07 (ro)',
    'mount    /scratch <- tmpfs',
  ]);
  const measured = rootfsPaneLines({ rootfs, usage: { device: '/dev/vda', usageBytes: 8 << 20, inodesUsed: 3, measuredAt: 0 } }, 120);
  assert.equal(measured[3], 'upper    /var/lib/docker/overlay2/x/diff  8.0MiB on /dev/vda');
  for (const l of rootfsPaneLines({ rootfs, usage: undefined }, 30)) assert.ok(l.length <= 30, l);
});

test('no process, the host namespace, a plain directory', () => {
  assert.match(rootfsPaneLines({ rootfs: undefined, usage: undefined }, 80)[0], /no mount namespace/);
  assert.match(rootfsPaneLines({ rootfs: { ...rootfs, kind: 'host' }, usage: undefined }, 80)[0], /host's own/);
  const dir = rootfsPaneLines(
    { rootfs: { ...rootfs, kind: 'bind', lower: [], upper: undefined, mounts: [], source: '/var/lib/lxc/web/rootfs' }, usage: undefined },
    80,
  );
  assert.deepEqual(dir, ['dir      /var/lib/lxc/web/rootfs']);
});
