// export: the container's filesystem as one tar (docker export), running or stopped, through the confined
// helper. Mounts inside the container (/proc, /sys, /dev, volumes) are not descended into: the container's own
// filesystem only, as docker exports the rootfs and not what is mounted on it.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { NativeError } from '../../errors.js';
import { randomBytes } from '../random.js';
import { cell } from '../../text/sanitize.js';
import { helperDone, withContainerFs } from './fs-helper.js';

/** To stdout, or to `output` written aside and renamed: a failed export leaves no half file. */
export async function exportContainer(root: string, id: string, name: string, output?: string): Promise<void> {
  await withContainerFs(root, id, async (run) => {
    if (!output) return helperDone(run(['pack', '--one-fs', '/', ''], ['ignore', 'inherit', 'pipe']), `export ${cell(name, 100)}`);
    const temp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const child = run(['pack', '--one-fs', '/', ''], ['ignore', 'pipe', 'pipe']);
      await Promise.all([
        helperDone(child, `export ${cell(name, 100)}`),
        pipeline(child.stdout!, createWriteStream(temp, { flags: 'wx', mode: 0o600 })),
      ]);
      await rename(temp, output);
    } catch (err) {
      await rm(temp, { force: true });
      if (err instanceof NativeError) throw err;
      throw new NativeError(`cannot write ${cell(output, 200)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  });
}
