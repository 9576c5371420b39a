// Computing a sha256 digest, in the image formats' notation ("sha256:<64 hex>").
import { lazyBuiltin } from '../../lazy-builtin.js';

// on first use: loading node:crypto costs a one-shot command ~3 ms, and a push whose blobs are all mounted hashes nothing
const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + crypto().createHash('sha256').update(data).digest('hex');
}
