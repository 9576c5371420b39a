// Which files the code under test read: node:fs's openSync and readSync wrapped (syncBuiltinESMExports makes the
// named imports of host/read.ts and host/open-files.ts see the wrappers), each read logged by the path its
// descriptor was opened with, so a file kept open between scans is still named. Start it before the first scan.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import type { TestContext } from 'node:test';

export class ReadLog {
  private readonly pathOf = new Map<number, string>();
  /** Paths read since the last clear(), once each. */
  readonly read = new Set<string>();

  constructor(t: TestContext) {
    const open = fs.openSync;
    const read = fs.readSync;
    t.mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
      const fd = open(...args);
      this.pathOf.set(fd, String(args[0]));
      return fd;
    });
    t.mock.method(fs, 'readSync', (fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null) => {
      const path = this.pathOf.get(fd);
      if (path !== undefined) this.read.add(path);
      return read(fd, buffer, offset, length, position);
    });
    syncBuiltinESMExports();
    t.after(() => {
      t.mock.restoreAll();
      syncBuiltinESMExports();
    });
  }

  clear(): void {
    this.read.clear();
  }

  /** The paths read under `dir`, relative to it, sorted. */
  under(dir: string): string[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return [...this.read]
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length))
      .sort();
  }
}
