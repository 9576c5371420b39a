// Real Docker for integration tests: a busybox image built locally (no registry) and containers that are always removed.
import { spawnSync } from 'node:child_process';
import { hasCommand, sh } from './prereq.js';

export const TEST_IMAGE = 'tctop-test/busybox:latest';

export function dockerAvailable(): boolean {
  return hasCommand('docker') && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

/** The image is built by test/prereqs.sh; this checks it is there. */
export function testImagePresent(): boolean {
  return spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { stdio: 'ignore' }).status === 0;
}

/** `docker run -d` with a name prefixed so leaks are traceable; returns the full ID. */
export function dockerRun(name: string, args: string[], cmd: string[] = ['sleep', '3600']): string {
  return sh('docker', ['run', '-d', '--name', name, '--label', 'tctop-test=1', ...args, TEST_IMAGE, ...cmd]).trim();
}

export function dockerRm(...names: string[]): void {
  if (names.length) spawnSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
}

/** Remove every container a test run created (label tctop-test=1). */
export function dockerCleanupAll(): void {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', 'label=tctop-test=1'], { encoding: 'utf8' }).stdout?.trim();
  if (ids) dockerRm(...ids.split(/\s+/));
}
