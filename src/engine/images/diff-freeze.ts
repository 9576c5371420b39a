// docker commit pauses the container while its layer is read (--pause, the default): the cgroup freezer (v1
// freezer.state, v2 cgroup.freeze). A container already paused stays paused afterwards.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Freezer {
  file: string;
  frozen: string;
  thawed: string;
}

function freezerOf(dirs: string[]): Freezer | undefined {
  for (const dir of dirs) {
    if (existsSync(join(dir, 'freezer.state'))) return { file: join(dir, 'freezer.state'), frozen: 'FROZEN', thawed: 'THAWED' };
    if (existsSync(join(dir, 'cgroup.freeze'))) return { file: join(dir, 'cgroup.freeze'), frozen: '1', thawed: '0' };
  }
  return undefined;
}

async function waitFrozen(f: Freezer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const now = readFileSync(f.file, 'utf8').trim();
    if (now === f.frozen || (f.frozen === '1' && readFileSync(join(f.file, '..', 'cgroup.events'), 'utf8').includes('frozen 1'))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `work` with the cgroup frozen; without a freezer it just runs it. */
export async function whileFrozen<T>(dirs: string[], work: () => Promise<T>): Promise<T> {
  const f = freezerOf(dirs);
  if (!f || readFileSync(f.file, 'utf8').trim() === f.frozen) return work();
  writeFileSync(f.file, f.frozen);
  try {
    await waitFrozen(f);
    return await work();
  } finally {
    writeFileSync(f.file, f.thawed);
  }
}
