// What the host must offer before anything is created: root and overlayfs.
import { readFileSync } from 'node:fs';
import { PermissionError, UnsupportedError } from '../../errors.js';

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new PermissionError('the container engine needs root (run tctop as root)');
}

export function requireOverlayfs(filesystems = '/proc/filesystems'): void {
  let text = '';
  try {
    text = readFileSync(filesystems, 'utf8');
  } catch {
    /* unreadable: reported as missing below */
  }
  if (!/\toverlay$/m.test(text))
    throw new UnsupportedError('overlayfs is not available on this host (no "overlay" in /proc/filesystems; try modprobe overlay)');
}
