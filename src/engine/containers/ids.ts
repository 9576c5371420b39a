// Container IDs: 64 random hex digits, as docker's.
import { randomBytes } from '../random.js';

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}
