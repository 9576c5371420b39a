// v2 resource figures of a running container against the kernel's own files, read just before and just after one
// `tctop inspect --json` of all of them: a counter must lie between the two reads, a gauge near them, a limit equal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgText, flatKeyed, NAMES, setupOk, tctop, tctopViews } from './lib.js';

interface KernelRead {
  memoryCurrent: number;
  memoryStat: Map<string, number>;
  memoryEvents: Map<string, number>;
  memoryMax: string;
  cpuStat: Map<string, number>;
  cpuMax: string;
  io: { rbytes: number; wbytes: number; rios: number; wios: number };
  pidsCurrent: number;
  pidsMax: string;
  pressure: Record<'cpu' | 'memory' | 'io', { some: number; full: number }>;
}

function ioSums(text: string): KernelRead['io'] {
  const sums = { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
  for (const kv of text.split(/\s+/)) {
    const [k, v] = kv.split('=');
    if (k in sums) sums[k as keyof typeof sums] += Number(v);
  }
  return sums;
}

function pressure(text: string): { some: number; full: number } {
  const total = (kind: string) => Number(new RegExp(`^${kind} .*total=(\\d+)`, 'm').exec(text)?.[1]);
  return { some: total('some'), full: total('full') };
}

function readKernel(path: string): KernelRead {
  const f = (name: string) => cgText(path, name);
  return {
    memoryCurrent: Number(f('memory.current')),
    memoryStat: flatKeyed(f('memory.stat')),
    memoryEvents: flatKeyed(f('memory.events')),
    memoryMax: f('memory.max').trim(),
    cpuStat: flatKeyed(f('cpu.stat')),
    cpuMax: f('cpu.max').trim(),
    io: ioSums(f('io.stat')),
    pidsCurrent: Number(f('pids.current')),
    pidsMax: f('pids.max').trim(),
    pressure: { cpu: pressure(f('cpu.pressure')), memory: pressure(f('memory.pressure')), io: pressure(f('io.pressure')) },
  };
}

/** A counter read by tctop between two kernel reads. */
function between(what: string, value: number | undefined, before: number, after: number, scale = 1): void {
  assert.ok(value !== undefined, `${what}: tctop has no value`);
  assert.ok(value * scale >= before - 1e-6 && value * scale <= after + 1e-6, `${what}: tctop ${value * scale}, kernel ${before}..${after}`);
}

/** A gauge (memory, pids) read by tctop near the two kernel reads: idle containers barely move. */
function near(what: string, value: number | undefined, before: number, after: number, slack: number): void {
  assert.ok(value !== undefined, `${what}: tctop has no value`);
  const lo = Math.min(before, after) - slack;
  const hi = Math.max(before, after) + slack;
  assert.ok(value >= lo && value <= hi, `${what}: tctop ${value}, kernel ${before} / ${after} (±${slack})`);
}

const LIMITED = ['docker', 'podman', 'tctop'] as const;
const MIB = 1 << 20;
let reads: Map<string, { before: KernelRead; after: KernelRead; cgroup: any }> | undefined;

/** Kernel, one tctop inspect of the three containers started with limits, kernel again. */
function sandwich(): NonNullable<typeof reads> {
  if (reads) return reads;
  const names: string[] = LIMITED.map((r) => NAMES[r]);
  const paths = new Map(names.map((n) => [n, tctopViews().inspect.get(n)?.cgroup?.path ?? `/${n}-not-found`]));
  const before = new Map(names.map((n) => [n, readKernel(paths.get(n)!)]));
  const inspected = JSON.parse(tctop(['inspect', '--json', ...names])) as Array<{ name: string; cgroup: any }>;
  reads = new Map(inspected.map((c) => [c.name, { before: before.get(c.name)!, after: readKernel(paths.get(c.name)!), cgroup: c.cgroup }]));
  return reads;
}

for (const runtime of LIMITED) {
  const name = NAMES[runtime];
  test(`v2 figures ${runtime}: memory, cpu, io, pids and pressure equal the kernel's cgroup files`, () => {
    setupOk(runtime === 'tctop' ? 'own-run' : `${runtime}-run`);
    const r = sandwich().get(name);
    assert.ok(r, `${name} inspected`);
    const { before: b, after: a, cgroup: cg } = r;
    // memory.current, memory.stat anon/file/inactive_file and the working set cAdvisor derives from them
    near('memory.current', cg.memory?.usageBytes, b.memoryCurrent, a.memoryCurrent, MIB);
    near('memory.stat anon', cg.memory?.rssBytes, b.memoryStat.get('anon')!, a.memoryStat.get('anon')!, MIB);
    near('memory.stat file', cg.memory?.cacheBytes, b.memoryStat.get('file')!, a.memoryStat.get('file')!, MIB);
    const ws = (k: KernelRead) => k.memoryCurrent - k.memoryStat.get('inactive_file')!;
    near('working set (current - inactive_file)', cg.memory?.workingSetBytes, ws(b), ws(a), MIB);
    assert.ok(b.memoryStat.get('file')! > 0, 'the workload left page cache (memory.stat file > 0)');
    assert.equal(String(cg.memory?.limitBytes), a.memoryMax, 'memory.max');
    assert.equal(a.memoryMax, String(256 * MIB));
    between('memory.events oom_kill', cg.memory?.oomKills, b.memoryEvents.get('oom_kill')!, a.memoryEvents.get('oom_kill')!);
    // cpu.stat (usec in the kernel, seconds in tctop) and cpu.max
    between('cpu.stat usage_usec', cg.cpu?.usageSeconds, b.cpuStat.get('usage_usec')!, a.cpuStat.get('usage_usec')!, 1e6);
    between('cpu.stat user_usec', cg.cpu?.userSeconds, b.cpuStat.get('user_usec')!, a.cpuStat.get('user_usec')!, 1e6);
    between('cpu.stat system_usec', cg.cpu?.systemSeconds, b.cpuStat.get('system_usec')!, a.cpuStat.get('system_usec')!, 1e6);
    between('cpu.stat nr_throttled', cg.cpu?.throttledPeriods, b.cpuStat.get('nr_throttled')!, a.cpuStat.get('nr_throttled')!);
    between('cpu.stat throttled_usec', cg.cpu?.throttledSeconds, b.cpuStat.get('throttled_usec')!, a.cpuStat.get('throttled_usec')!, 1e6);
    assert.ok(a.cpuStat.get('nr_throttled')! > 0, 'the CPU burst was throttled at --cpus 0.2 (nr_throttled > 0)');
    assert.equal(`${cg.cpu?.quotaMicros} ${cg.cpu?.periodMicros}`, a.cpuMax, 'cpu.max');
    // io.stat summed over devices
    between('io.stat rbytes', cg.io?.readBytes, b.io.rbytes, a.io.rbytes);
    between('io.stat wbytes', cg.io?.writeBytes, b.io.wbytes, a.io.wbytes);
    between('io.stat rios', cg.io?.readOps, b.io.rios, a.io.rios);
    between('io.stat wios', cg.io?.writeOps, b.io.wios, a.io.wios);
    assert.ok(a.io.wbytes >= 8 * MIB, `the workload's 8 MiB fsync'd write is in io.stat (wbytes ${a.io.wbytes})`);
    // pids
    near('pids.current', cg.pids?.current, b.pidsCurrent, a.pidsCurrent, 0);
    assert.equal(String(cg.pids?.limit), a.pidsMax, 'pids.max');
    // PSI totals
    for (const kind of ['cpu', 'memory', 'io'] as const) {
      between(`${kind}.pressure some total`, cg.pressure?.[kind]?.someTotalMicros, b.pressure[kind].some, a.pressure[kind].some);
      between(`${kind}.pressure full total`, cg.pressure?.[kind]?.fullTotalMicros, b.pressure[kind].full, a.pressure[kind].full);
    }
  });
}
