// Compatibility for code written against the old name (branches in flight when the two atomic-write helpers
// became one): a container file, replaced whole, not fsynced. New code calls ../atomic-write.ts directly; remove this
// file once nothing imports it.
import { writeFileAtomic } from '../atomic-write.js';

export function replaceFile(path: string, data: string, mode = 0o600): void {
  writeFileAtomic(path, data, { mode, durable: false });
}
