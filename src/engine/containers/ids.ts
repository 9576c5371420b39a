// Container IDs: 64 random hex digits, as docker's.
import { randomBytes } from '../random.js';

export const FULL_ID = /^[0-9a-f]{64}$/;

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}
