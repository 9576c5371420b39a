// Every collector, in exposition order. `--collector.<name>` / `--no-collector.<name>` switch them.
import type { Collector } from '../family.js';
import { cpuCollector } from './cpu.js';
import { memoryCollector } from './memory.js';
import { ioCollector } from './io.js';
import { pidsCollector } from './pids.js';
import { descriptorsCollector } from './descriptors.js';
import { networkCollector } from './network.js';
import { specCollector } from './spec.js';
import { pressureCollector } from './pressure.js';
import { machineCollector } from './machine.js';
import { tctopCollector } from './tctop.js';
import { processCollector } from './process.js';
import { fsCollector } from './fs.js';

export const COLLECTORS: readonly Collector[] = [
  cpuCollector,
  memoryCollector,
  ioCollector,
  pidsCollector,
  descriptorsCollector,
  networkCollector,
  specCollector,
  pressureCollector,
  machineCollector,
  tctopCollector,
  processCollector,
  fsCollector,
];
