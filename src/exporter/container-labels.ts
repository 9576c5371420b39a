// Runtime labels on every container series as `container_label_<key>`, as cAdvisor does (--store_container_labels,
// on by default; --whitelisted_container_labels). Keys are sanitised to label names (anything outside [a-zA-Z0-9_]
// becomes `_`; of two keys that sanitise alike the first in sorted order wins); values from the host are hostile:
// control characters are shown as visible escapes, lone surrogates (JSON can carry them) replaced, and a value is
// cut at MAX_VALUE code points so one container cannot bloat every series of the scrape. Labels add no series:
// each container keeps one series per metric whatever labels it carries. Environment variables are never read.
import type { Container, HostSnapshot } from '../snapshot/model.js';
import { escapeControls, truncate } from '../text/sanitize.js';
import { containerLabels, type ContainerLabeller, type Labels } from './family.js';

export const LABEL_PREFIX = 'container_label_';
const MAX_VALUE = 1024;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export interface LabelPolicyOptions {
  /** Every runtime label (cAdvisor's default). */
  storeAll: boolean;
  /** Only these runtime label keys (exact keys as the runtime has them); wins over storeAll when given. */
  allowlist?: readonly string[];
}

/** A label name from any runtime key (cAdvisor's sanitizeLabelName). */
export function labelName(key: string): string {
  return LABEL_PREFIX + key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** A label value safe in the exposition and on a terminal that shows it. */
export function labelValue(value: string): string {
  return truncate(escapeControls(value.replace(LONE_SURROGATE, '\ufffd')), MAX_VALUE);
}

export class ContainerLabelPolicy {
  private readonly allow: Set<string> | undefined;
  /** Per container of the snapshot being rendered: each is labelled once, not once per series. */
  private memo = new WeakMap<Container, Labels>();
  private readonly names = new Map<string, string>();

  constructor(private readonly options: LabelPolicyOptions) {
    this.allow = options.allowlist?.length ? new Set(options.allowlist) : undefined;
  }

  get enabled(): boolean {
    return this.options.storeAll || this.allow !== undefined;
  }

  private nameOf(key: string): string {
    let n = this.names.get(key);
    if (n === undefined) {
      n = labelName(key);
      if (this.names.size > 100_000) this.names.clear(); // keys churn only with hostile runtimes; stay bounded
      this.names.set(key, n);
    }
    return n;
  }

  /** The runtime labels a container's series carry (name -> value), without the base labels. */
  private extra(c: Container): Labels {
    const out: Labels = {};
    if (!this.enabled) return out;
    for (const key of Object.keys(c.labels).sort()) {
      if (this.allow && !this.allow.has(key)) continue;
      const name = this.nameOf(key);
      if (name in out) continue;
      out[name] = labelValue(c.labels[key]);
    }
    return out;
  }

  /** cAdvisor's base labels plus the container's runtime labels. */
  readonly labels: ContainerLabeller = (c) => {
    let l = this.memo.get(c);
    if (!l) {
      l = { ...containerLabels(c), ...this.extra(c) };
      this.memo.set(c, l);
    }
    return l;
  };

  /** Every container_label_* name some container of the snapshot carries, sorted. */
  namesIn(snapshot: HostSnapshot): string[] {
    const all = new Set<string>();
    if (this.enabled)
      for (const c of snapshot.containers) for (const n of Object.keys(this.labels(c))) if (n.startsWith(LABEL_PREFIX)) all.add(n);
    return [...all].sort();
  }
}

/** No runtime labels: the base labels alone. */
export const BASE_LABELS = new ContainerLabelPolicy({ storeAll: false });
