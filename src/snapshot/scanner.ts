// Placeholder: replaced by the discovery-backed incremental scanner.
import type { HostSnapshot } from './model.js';

export interface ScanOptions {
  /** Root the host is read under: '/' normally, a fixture tree in tests, '/host' in a DaemonSet. */
  root?: string;
}

export class HostScanner {
  constructor(readonly options: ScanOptions = {}) {}
  scan(): HostSnapshot {
    throw new Error('not implemented yet');
  }
}
