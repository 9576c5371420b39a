// History -> what a line chart draws: one series per line, its x labels (seconds back from now) and its y scale.
// Pure, so the scale and units are unit-tested without a terminal.

export interface ChartLine {
  title: string;
  values: readonly number[];
  colour: string;
}

export interface ChartModel {
  /** The box label: what is drawn and its unit, with the latest value. */
  label: string;
  lines: ChartLine[];
  minY: number;
  /** Fixed top (a limit, 100 %), or undefined to follow the data. */
  maxY: number | undefined;
}

export interface ChartData {
  x: string[];
  y: number[];
  title: string;
  style: { line: string };
}

/** The points blessed-contrib's line chart takes: every line padded on the left to the same length (at least 2). */
export function chartData(model: ChartModel, intervalSeconds: number): ChartData[] {
  const n = Math.max(2, ...model.lines.map((l) => l.values.length));
  const x = Array.from({ length: n }, (_, i) => {
    const ago = Math.round((n - 1 - i) * intervalSeconds);
    return ago === 0 ? 'now' : `-${ago}s`;
  });
  return model.lines.map((l) => {
    const pad = n - l.values.length;
    const first = l.values[0] ?? 0;
    return { x, y: [...Array<number>(pad).fill(first), ...l.values], title: l.title, style: { line: l.colour } };
  });
}

/** A y scale that reads well: the data's peak rounded up to 1, 2 or 5 times a power of ten (never below `floor`). */
export function niceTop(values: readonly number[], floor: number): number {
  const peak = Math.max(floor, ...values);
  const magnitude = 10 ** Math.floor(Math.log10(peak));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= peak) return step * magnitude;
  return 10 * magnitude;
}

const MiB = 1024 * 1024;
const KiB = 1024;

export function hostCpuChart(cpu: readonly number[]): ChartModel {
  return {
    label: ` host CPU % ${(cpu.at(-1) ?? 0).toFixed(1)} `,
    lines: [{ title: 'cpu', values: cpu, colour: 'green' }],
    minY: 0,
    maxY: 100,
  };
}

export function hostMemChart(mem: readonly number[]): ChartModel {
  return {
    label: ` host memory % used ${(mem.at(-1) ?? 0).toFixed(1)} `,
    lines: [{ title: 'mem', values: mem, colour: 'cyan' }],
    minY: 0,
    maxY: 100,
  };
}

/** Percent of one core; the top is the CPU quota when there is one, else the data's peak (at least 100 % of a core). */
export function containerCpuChart(cpu: readonly number[], quotaCores: number | undefined): ChartModel {
  const top = quotaCores ? Math.max(quotaCores * 100, ...cpu) : niceTop(cpu, 100);
  const quota = quotaCores ? ` of ${(quotaCores * 100).toFixed(0)} quota` : '';
  return {
    label: ` CPU % of a core ${(cpu.at(-1) ?? 0).toFixed(1)}${quota} `,
    lines: [{ title: 'cpu', values: cpu, colour: 'green' }],
    minY: 0,
    maxY: top,
  };
}

/** MiB, against the limit when there is one. */
export function containerMemChart(memBytes: readonly number[], limitBytes: number | undefined): ChartModel {
  const mib = memBytes.map((b) => b / MiB);
  const limit = limitBytes !== undefined ? limitBytes / MiB : undefined;
  const top = limit !== undefined ? Math.max(limit, ...mib) : niceTop(mib, 1);
  const of = limit !== undefined ? ` of ${limit.toFixed(0)} limit` : ' (no limit)';
  return {
    label: ` memory MiB ${(mib.at(-1) ?? 0).toFixed(1)}${of} `,
    lines: [{ title: 'mem', values: mib, colour: 'cyan' }],
    minY: 0,
    maxY: top,
  };
}

function ratePair(
  label: string,
  a: { title: string; values: readonly number[] },
  b: { title: string; values: readonly number[] },
): ChartModel {
  const ka = a.values.map((v) => v / KiB);
  const kb = b.values.map((v) => v / KiB);
  const last = (xs: number[]) => (xs.at(-1) ?? 0).toFixed(1);
  return {
    label: ` ${label} KiB/s ${a.title} ${last(ka)} ${b.title} ${last(kb)} `,
    lines: [
      { title: a.title, values: ka, colour: 'green' },
      { title: b.title, values: kb, colour: 'magenta' },
    ],
    minY: 0,
    maxY: niceTop([...ka, ...kb], 1),
  };
}

export function containerNetChart(rx: readonly number[], tx: readonly number[]): ChartModel {
  return ratePair('network', { title: 'rx', values: rx }, { title: 'tx', values: tx });
}

export function containerIoChart(read: readonly number[], write: readonly number[]): ChartModel {
  return ratePair('block IO', { title: 'read', values: read }, { title: 'write', values: write });
}
