// Wires scanner -> fresh-snapshot provider -> renderer -> HTTP server, and serves until SIGINT/SIGTERM.
import { ConflictError, errnoOf, PermissionError, UnsupportedError, UsageError } from '../errors.js';
import { HostScanner } from '../snapshot/scanner.js';
import { FsUsageCache } from '../snapshot/rootfs/fs-usage-cache.js';
import { RootfsReader } from '../snapshot/rootfs/rootfs-reader.js';
import { WritableLayerSource } from '../snapshot/rootfs/writable-layer-source.js';
import { ContainerLabelPolicy, type LabelPolicyOptions } from './container-labels.js';
import type { Collector } from './family.js';
import { displayUrl, type ListenAddress } from './listen-address.js';
import { MetricsRenderer } from './renderer.js';
import { createExporterServer, listen } from './server.js';
import { FreshSnapshots } from './snapshots.js';
import { loadWebConfig } from './web-config.js';

export interface RunExporterOptions {
  address: ListenAddress;
  maxAgeMs: number;
  root: string;
  collectors: readonly Collector[];
  /** Which runtime labels the container series carry (container_label_*). */
  labels?: LabelPolicyOptions;
  webConfigFile?: string;
  /** How often the fs collector walks a writable layer again (ms; default a minute). */
  fsRefreshMs?: number;
  log: (line: string) => void;
}

export async function runExporter(opts: RunExporterOptions): Promise<void> {
  const web = opts.webConfigFile ? loadWebConfig(opts.webConfigFile) : undefined;
  // descriptors cost a stat or readlinks per container process: counted only when their series are exported
  const descriptors = opts.collectors.some((c) => c.name === 'descriptors');
  const scanner = new HostScanner({ root: opts.root, descriptors, fullPassAside: true, prefetchSpecs: true });
  // the writable layers are walked in the background only when their series are wanted
  const usage = opts.collectors.some((c) => c.name === 'fs')
    ? new FsUsageCache(opts.fsRefreshMs ? { refreshMs: opts.fsRefreshMs } : {})
    : undefined;
  const source = usage ? new WritableLayerSource(scanner, new RootfsReader(scanner.paths), usage) : scanner;
  const snapshots = new FreshSnapshots(source, opts.maxAgeMs);
  // scan once before listening: a wrong --root fails now, not as empty scrapes, and the first scrape is warm
  // (the count only: this function runs as long as the server, and would hold the first snapshot all along)
  if ((await snapshots.get()).hostProcessCount === 0)
    throw new UnsupportedError(`no processes under ${scanner.paths.proc}: is the host's /proc mounted there?`);
  const labels = new ContainerLabelPolicy(opts.labels ?? { storeAll: true });
  const renderer = new MetricsRenderer(snapshots, opts.collectors, labels, opts.maxAgeMs > 0);
  const server = createExporterServer({ renderer, web, onError: opts.log });
  const bound = await listen(server, opts.address.host, opts.address.port).catch((err: unknown) => {
    const where = `${opts.address.host || '*'}:${opts.address.port}`;
    if (errnoOf(err) === 'EADDRINUSE') throw new ConflictError(`cannot listen on ${where}: address in use`);
    if (errnoOf(err) === 'EACCES') throw new PermissionError(`cannot listen on ${where}: permission denied`);
    if (errnoOf(err) === 'EADDRNOTAVAIL' || errnoOf(err) === 'ENOTFOUND')
      throw new UsageError(`cannot listen on ${where}: no such local address`);
    throw err;
  });
  opts.log(`serving ${displayUrl(bound.address, bound.port, !!web?.tls)} (collectors: ${opts.collectors.map((c) => c.name).join(', ')})`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      usage?.close();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
