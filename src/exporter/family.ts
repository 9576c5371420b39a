// A metric family is a small table of metric definitions; each definition turns one snapshot into samples.
// Families never read the host: everything comes from the HostSnapshot handed to them at scrape time.
import type { Container, HostSnapshot } from '../snapshot/model.js';

export type MetricType = 'counter' | 'gauge';
export type Labels = Record<string, string>;

/**
 * One series. Its labels are the container's (all of cAdvisor's and the container_label_* ones, or only the join keys
 * with `join`) followed by its own `labels`: the exporter formats a container's labels once per scrape, not once per
 * series, and families never build per-series copies of them.
 */
export interface Sample {
  container?: Container;
  /** only the container's join keys (id, name), for info series that would otherwise repeat every label */
  join?: boolean;
  labels: Labels;
  value: number;
}

/**
 * Where a definition writes its series, one call each: the container (none for a host series), its own labels and
 * its value; `join` for only the container's join keys. The exposition writes them as they come: a Sample object
 * per series (52,000 at 1,000 containers) was young garbage beside a snapshot still young.
 */
export type SeriesSink = (container: Container | undefined, labels: Labels, value: number, join?: boolean) => void;

/** A container's labels on its series: cAdvisor's base labels, plus its runtime labels as the exporter's flags say. */
export type ContainerLabeller = (c: Container) => Labels;

export interface MetricDef {
  name: string;
  help: string;
  type: MetricType;
  /** The fixed label names; a series with every CONTAINER_LABELS also carries the labeller's container_label_*. */
  labelNames: readonly string[];
  collect(snapshot: HostSnapshot, emit: SeriesSink): void;
}

/** A definition's series as objects (for prom-client's registry, the reference exposition). */
export function samplesOf(def: MetricDef, snapshot: HostSnapshot): Sample[] {
  const out: Sample[] = [];
  def.collect(snapshot, (container, labels, value, join) =>
    out.push(join ? { container, join, labels, value } : { container, labels, value }),
  );
  return out;
}

/** The labels cAdvisor puts on every container series, so existing dashboards and alerts work unchanged. */
export const CONTAINER_LABELS = ['id', 'name', 'image', 'pod', 'namespace', 'container'] as const;

const K8S_POD = 'io.kubernetes.pod.name';
const K8S_NAMESPACE = 'io.kubernetes.pod.namespace';
const K8S_CONTAINER = 'io.kubernetes.container.name';

/**
 * `id` is the cgroup path as in cAdvisor; a container without a cgroup falls back to /<runtime>/<id>. The Kubernetes
 * labels are set only for Kubernetes containers: an empty label and an absent one are the same series to
 * Prometheus, and leaving them out keeps large scrapes smaller.
 */
export function containerLabels(c: Container): Labels {
  const labels: Labels = { id: c.cgroup?.path ?? `/${c.runtime}/${c.id}`, name: c.name, image: c.image };
  const pod = c.labels[K8S_POD];
  if (pod) {
    labels.pod = pod;
    labels.namespace = c.labels[K8S_NAMESPACE] ?? '';
    labels.container = c.labels[K8S_CONTAINER] ?? '';
  }
  return labels;
}

/** Whether a definition's series carry every container label (and so the container_label_* ones too). */
export function hasContainerLabels(def: MetricDef): boolean {
  return CONTAINER_LABELS.every((l) => def.labelNames.includes(l));
}

/** Every label of a sample as one object, container labels first (the prom-client registry's input, in tests). */
export function sampleLabels(s: Sample, labels: ContainerLabeller): Labels {
  if (!s.container) return s.labels;
  return { ...(s.join ? containerKey(s.container) : labels(s.container)), ...s.labels };
}

/** The labels that identify a container for joins (`on (id)`), for info series that would otherwise repeat them all. */
export function containerKey(c: Container): Labels {
  return { id: c.cgroup?.path ?? `/${c.runtime}/${c.id}`, name: c.name };
}

type ContainerValue = (c: Container, snapshot: HostSnapshot) => number | undefined;

interface ContainerMetricSpec {
  name: string;
  help: string;
  type: MetricType;
  /** Constant extra labels (e.g. cAdvisor's cpu="total"). */
  constLabels?: Labels;
  value: ContainerValue;
}

/** One sample per container that has a value (undefined = the kernel or runtime did not report it). */
export function perContainer(spec: ContainerMetricSpec): MetricDef {
  const constLabels = spec.constLabels ?? {};
  return {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    labelNames: [...CONTAINER_LABELS, ...Object.keys(constLabels)],
    collect(snapshot, emit) {
      for (const c of snapshot.containers) {
        const v = spec.value(c, snapshot);
        if (v === undefined || !Number.isFinite(v)) continue;
        // one constLabels object shared by every series: the exporter formats it once
        emit(c, constLabels, v);
      }
    },
  };
}

const NO_LABELS: Labels = {};

/** A host-wide gauge: one series without labels (machine_*, tctop's scan health). */
export function hostGauge(name: string, help: string, value: (s: HostSnapshot) => number): MetricDef {
  return { name, help, type: 'gauge', labelNames: [], collect: (s, emit) => emit(undefined, NO_LABELS, value(s)) };
}

/** A family: a named group of definitions that `--[no-]collector.<name>` switches on or off. */
export interface Collector {
  name: string;
  description: string;
  enabledByDefault: boolean;
  metrics: MetricDef[];
}
