// Computing a sha256 digest, in the image formats' notation ("sha256:<64 hex>").
import { createHash } from 'node:crypto';

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}
