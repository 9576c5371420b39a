// Compatibility for code written against the old name (branches in flight when the two atomic-write helpers
// became one): the parent directory made, the file replaced whole and fsynced. New code calls ../atomic-write.ts
// directly; remove this file once nothing imports it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic as writeAtomic } from '../atomic-write.js';

export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeAtomic(path, data, { mode });
}
