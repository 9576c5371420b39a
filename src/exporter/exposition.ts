// The exposition text, written by tctop itself. prom-client's registry cost most of a large scrape (at 300
// containers its getMetricsAsString, label hashing and formatting took 1.2 s of CPU over a profile of a few dozen
// scrapes: a labels object, a hash string and a formatted copy of every label for every series). This writer
// formats a container's labels once per scrape and each shared label set once, and writes what prom-client's
// Registry writes, byte for byte: the same HELP/TYPE lines, label order, escaping, value text ("Nan", "+Inf"),
// family separators, OpenMetrics counter names and "# EOF". The unit tests hold it to prom-client's output
// (registry.ts) as the oracle; prom-client also validates every metric and label name here, at construction.
import { Counter, Gauge } from 'prom-client';
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { BASE_LABELS, type ContainerLabelPolicy } from './container-labels.js';
import { containerKey, type Labels, type MetricDef } from './family.js';
import type { ExpositionFormat } from './registry.js';
import { ByteSink, ChunkPool } from './byte-sink.js';

/** prom-client's escapeLabelValue: backslash, newline and double quote. */
function escapeLabelValue(value: string): string {
  if (!/[\\\n"]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** prom-client's escapeString (metric names and help). */
function escapeString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** prom-client's getValueAsString. */
function valueText(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** `a="x",b="y"` in the object's key order, as prom-client's formatLabels. */
export function formatLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) {
    if (!Object.hasOwn(labels, name)) continue;
    if (out) out += ',';
    out += `${name}="${escapeLabelValue(labels[name])}"`;
  }
  return out;
}

/** A container's label text and its bytes; containers with the same labels share one. */
interface BaseText {
  text: string;
  bytes: Buffer;
}

const NO_BASE: BaseText = { text: '', bytes: Buffer.alloc(0) };

/** What a container's label texts are made of, and the texts made of it (kept from one render to the next). */
interface ContainerTexts {
  cgroupPath: string | undefined;
  name: string;
  image: string;
  labels: Record<string, string>;
  full?: BaseText;
  key?: BaseText;
  /** the render that last used it (entries of containers gone are dropped) */
  seen: number;
}

/** Whether two runtime label sets are the same (a snapshot's objects are values: one seen again is unchanged). */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k] || !Object.hasOwn(b, k)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * The label text of the samples: a container's labels formatted once, each shared label object once. A container's
 * texts are kept across renders while what they are made of is unchanged: at 1,000 containers, labelling,
 * sanitising and formatting every container again cost a fifth of each render.
 */
class LabelTexts {
  private readonly byContainer = new Map<string, ContainerTexts>();
  private readonly inRender = new Map<Container, ContainerTexts>();
  private byText = new Map<string, BaseText>();
  private readonly shared = new WeakMap<Labels, string>();
  private render = 0;

  constructor(private readonly policy: ContainerLabelPolicy) {}

  /** A new render begins (its containers are looked up again; the last one's texts are kept). */
  begin(): void {
    this.render++;
    this.inRender.clear();
  }

  /** The render is written: the texts of containers it did not have go, and the snapshot is not held. */
  end(): void {
    this.inRender.clear();
    const byText = new Map<string, BaseText>();
    for (const [id, t] of this.byContainer) {
      if (t.seen !== this.render) this.byContainer.delete(id);
      else for (const b of [t.full, t.key]) if (b && b !== NO_BASE) byText.set(b.text, b);
    }
    this.byText = byText;
  }

  /** The container's labels on its series (`join`: only its join keys). */
  base(c: Container, join: boolean): BaseText {
    const t = this.textsOf(c);
    if (join) return (t.key ??= this.intern(formatLabels(containerKey(c))));
    return (t.full ??= this.intern(formatLabels(this.policy.labels(c))));
  }

  private textsOf(c: Container): ContainerTexts {
    let t = this.inRender.get(c);
    if (t !== undefined) return t;
    const id = `${c.runtime}\u0000${c.id}`;
    const cgroupPath = c.cgroup?.path;
    t = this.byContainer.get(id);
    if (t === undefined || t.cgroupPath !== cgroupPath || t.name !== c.name || t.image !== c.image || !sameLabels(t.labels, c.labels)) {
      t = { cgroupPath, name: c.name, image: c.image, labels: c.labels, seen: this.render };
      this.byContainer.set(id, t);
    }
    t.seen = this.render;
    this.inRender.set(c, t);
    return t;
  }

  /** The sample's own labels, formatted once per labels object. */
  own(labels: Labels): string {
    let text = this.shared.get(labels);
    if (text === undefined) {
      text = formatLabels(labels);
      this.shared.set(labels, text);
    }
    return text;
  }

  private intern(text: string): BaseText {
    if (!text) return NO_BASE;
    let base = this.byText.get(text);
    if (base === undefined) {
      base = { text, bytes: Buffer.from(text, 'utf8') };
      this.byText.set(text, base);
    }
    return base;
  }
}

/**
 * A rendered exposition: its bytes in chunks, served as they are. Counted references: the renderer holds one while
 * it is the newest body, each response one until it is sent or its connection gone (the socket has handed the
 * bytes to the kernel, or will never write them); at none the chunks go back to the pool for a later body.
 */
export class Body {
  private refs = 1;

  constructor(
    readonly chunks: readonly Buffer[],
    readonly length: number,
    private readonly backing: readonly Buffer[] = [],
    private readonly pool?: ChunkPool,
  ) {}

  text(): string {
    if (this.refs <= 0) throw new Error('exposition body read after its release');
    return Buffer.concat(this.chunks, this.length).toString('utf8');
  }

  retain(): void {
    if (this.refs <= 0) throw new Error('exposition body held again after its release');
    this.refs++;
  }

  /** Whether anyone still holds it (else its chunks may already be another body's). */
  get held(): boolean {
    return this.refs > 0;
  }

  release(): void {
    if (--this.refs === 0) this.pool?.give(this.backing);
  }
}

const NL = 0x0a;
const SP = 0x20;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

interface FamilyHead {
  /** `# HELP …\n# TYPE …` */
  head: Buffer;
  sampleName: Buffer;
}

export class ExpositionWriter {
  private readonly heads: Record<ExpositionFormat, FamilyHead[]>;
  private readonly pool = new ChunkPool();
  private readonly texts: LabelTexts;

  constructor(
    private readonly defs: readonly MetricDef[],
    policy: ContainerLabelPolicy = BASE_LABELS,
  ) {
    // prom-client's own checks of metric and label names (registered nowhere)
    for (const def of defs) {
      const config = { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [] };
      if (def.type === 'counter') new Counter(config);
      else new Gauge(config);
    }
    this.texts = new LabelTexts(policy);
    this.heads = { prometheus: defs.map((d) => familyHead(d, false)), openmetrics: defs.map((d) => familyHead(d, true)) };
  }

  render(snapshot: HostSnapshot, format: ExpositionFormat): Body {
    const texts = this.texts;
    texts.begin();
    const openMetrics = format === 'openmetrics';
    const out = new ByteSink(this.pool);
    const heads = this.heads[format];
    try {
      for (let i = 0; i < this.defs.length; i++) {
        if (i > 0) {
          out.byte(NL);
          if (!openMetrics) out.byte(NL);
        }
        this.family(this.defs[i], heads[i], snapshot, texts, out);
      }
    } finally {
      texts.end();
    }
    out.byte(NL);
    if (openMetrics) out.text('# EOF\n');
    const length = out.length;
    const { chunks, backing } = out.end();
    return new Body(chunks, length, backing, this.pool);
  }

  private family(def: MetricDef, head: FamilyHead, snapshot: HostSnapshot, texts: LabelTexts, out: ByteSink): void {
    const counter = def.type === 'counter';
    const series = new SeriesSet(counter);
    // a metric without label names has its one series (0) before any sample sets it, as prom-client's reset()
    if (def.labelNames.length === 0) series.add(NO_BASE, '', 0);
    def.collect(snapshot, (container, labels, value, join) => {
      // prom-client refuses to count down or to infinity (and fails the whole scrape); one bad sample is left out
      if (counter && (value < 0 || value === Infinity)) return;
      series.add(container ? texts.base(container, join === true) : NO_BASE, texts.own(labels), value);
    });
    out.bytes(head.head);
    const { bases, owns, values } = series;
    for (let i = 0; i < values.length; i++) {
      out.byte(NL);
      out.bytes(head.sampleName);
      const base = bases[i];
      const own = owns[i];
      if (base !== NO_BASE || own) {
        out.byte(OPEN);
        if (base !== NO_BASE) out.bytes(base.bytes);
        if (base !== NO_BASE && own) out.byte(COMMA);
        if (own) out.text(own);
        out.byte(CLOSE);
      }
      out.byte(SP);
      const value = values[i];
      if (Number.isSafeInteger(value)) out.integer(value);
      else out.text(valueText(value));
    }
  }
}

function familyHead(def: MetricDef, openMetrics: boolean): FamilyHead {
  const counter = def.type === 'counter';
  // OpenMetrics: a counter's family name has no _total, its samples always do (prom-client renames them so)
  const name = escapeString(openMetrics && counter ? def.name.replace(/_total$/, '') : def.name);
  return {
    head: Buffer.from(`# HELP ${name} ${escapeString(def.help)}\n# TYPE ${name} ${def.type}`, 'utf8'),
    sampleName: Buffer.from(openMetrics && counter ? `${name}_total` : name, 'utf8'),
  };
}

/**
 * One family's series, one per label set as prom-client keeps them (a gauge's last value wins, a counter's values
 * add up). Families write a container's series one after another, so a repeated label set is looked for only among
 * the current container's; a container seen again later (or two with the same labels) switches the set to a map of
 * whole label texts. Joining every series' text into a key would copy the whole body once more per scrape.
 */
class SeriesSet {
  readonly bases: BaseText[] = [];
  readonly owns: string[] = [];
  readonly values: number[] = [];
  private runBase: BaseText | undefined;
  private runStart = 0;
  private readonly doneBases = new Set<BaseText>();
  private byText: Map<string, number> | undefined;

  constructor(private readonly counter: boolean) {}

  add(base: BaseText, own: string, value: number): void {
    const at = this.find(base, own);
    if (at === undefined) {
      this.bases.push(base);
      this.owns.push(own);
      this.values.push(value);
    } else this.values[at] = this.counter ? this.values[at] + value : value;
  }

  private find(base: BaseText, own: string): number | undefined {
    if (this.byText) return this.indexByText(base, own);
    if (base !== this.runBase) {
      if (this.runBase !== undefined) this.doneBases.add(this.runBase);
      if (this.doneBases.has(base)) {
        this.byText = new Map();
        for (let i = 0; i < this.values.length; i++) this.byText.set(labelKey(this.bases[i], this.owns[i]), i);
        return this.indexByText(base, own);
      }
      this.runBase = base;
      this.runStart = this.values.length;
      return undefined;
    }
    for (let i = this.runStart; i < this.values.length; i++) if (this.owns[i] === own) return i;
    return undefined;
  }

  private indexByText(base: BaseText, own: string): number | undefined {
    const key = labelKey(base, own);
    const at = this.byText!.get(key);
    if (at === undefined) this.byText!.set(key, this.values.length);
    return at;
  }
}

function labelKey(base: BaseText, own: string): string {
  return `${base.text}\u0000${own}`;
}
