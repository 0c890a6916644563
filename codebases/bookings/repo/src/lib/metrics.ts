/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format (version 0.0.4) at GET /metrics.
 */
type Labels = Record<string, string | number>;

function labelKey(names: readonly string[], labels: Labels): string {
  return names.map((n) => String(labels[n] ?? "")).join("\u0001");
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function renderLabels(names: readonly string[], values: string[], extra: Labels = {}): string {
  const parts = names.map((n, i) => `${n}="${escapeLabelValue(values[i])}"`);
  for (const [k, v] of Object.entries(extra)) parts.push(`${k}="${escapeLabelValue(String(v))}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function formatNumber(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

interface Metric {
  readonly name: string;
  render(): string[];
}

abstract class Labelled<V> implements Metric {
  protected readonly series = new Map<string, { values: string[]; value: V }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  protected entry(labels: Labels, init: () => V): { values: string[]; value: V } {
    for (const key of Object.keys(labels)) {
      if (!this.labelNames.includes(key)) throw new Error(`metric ${this.name} has no label ${key}`);
    }
    const key = labelKey(this.labelNames, labels);
    let found = this.series.get(key);
    if (!found) {
      found = { values: this.labelNames.map((n) => String(labels[n] ?? "")), value: init() };
      this.series.set(key, found);
    }
    return found;
  }

  abstract render(): string[];
}

export class Counter extends Labelled<number> {
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error("counters only go up");
    this.entry(labels, () => 0).value += by;
  }

  get(labels: Labels = {}): number {
    return this.series.get(labelKey(this.labelNames, labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { values, value } of this.series.values()) {
      lines.push(`${this.name}${renderLabels(this.labelNames, values)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

export class Gauge extends Labelled<number> {
  private collector?: () => void;

  set(labels: Labels, value: number): void {
    this.entry(labels, () => 0).value = value;
  }

  /** Called before each render, to read the current value (pool sizes and the like). */
  collect(fn: () => void): this {
    this.collector = fn;
    return this;
  }

  render(): string[] {
    this.collector?.();
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const { values, value } of this.series.values()) {
      lines.push(`${this.name}${renderLabels(this.labelNames, values)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

interface HistogramValue {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram extends Labelled<HistogramValue> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    readonly bounds: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {
    super(name, help, labelNames);
  }

  observe(labels: Labels, value: number): void {
    const h = this.entry(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 })).value;
    this.bounds.forEach((bound, i) => {
      if (value <= bound) h.buckets[i] += 1;
    });
    h.sum += value;
    h.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { values, value } of this.series.values()) {
      this.bounds.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${renderLabels(this.labelNames, values, { le: formatNumber(bound) })} ${value.buckets[i]}`);
      });
      lines.push(`${this.name}_bucket${renderLabels(this.labelNames, values, { le: "+Inf" })} ${value.count}`);
      lines.push(`${this.name}_sum${renderLabels(this.labelNames, values)} ${formatNumber(value.sum)}`);
      lines.push(`${this.name}_count${renderLabels(this.labelNames, values)} ${value.count}`);
    }
    return lines;
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  register<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics.values()) lines.push(...metric.render());
    return lines.join("\n") + "\n";
  }
}

/** The service's metrics, one set per process (made by createMetrics, held by the app). */
export function createMetrics() {
  const registry = new Registry();
  const startedAt = Date.now() / 1000;
  return {
    registry,
    httpRequests: registry.register(
      new Counter("http_requests_total", "HTTP requests answered, by route template", ["method", "route", "status"]),
    ),
    httpDuration: registry.register(
      new Histogram("http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"]),
    ),
    bookingsCreated: registry.register(new Counter("bookings_created_total", "Bookings (holds) created")),
    bookingsConfirmed: registry.register(new Counter("bookings_confirmed_total", "Bookings confirmed by payment")),
    bookingsCancelled: registry.register(new Counter("bookings_cancelled_total", "Bookings cancelled")),
    bookingConflicts: registry.register(
      new Counter("booking_conflicts_total", "Booking attempts refused because the slot was taken"),
    ),
    cacheRequests: registry.register(
      new Counter("availability_cache_requests_total", "Availability cache lookups", ["result"]),
    ),
    rateLimited: registry.register(new Counter("rate_limited_requests_total", "Requests refused with 429", ["scope"])),
    idempotentReplays: registry.register(
      new Counter("idempotent_replays_total", "Responses replayed for a repeated Idempotency-Key"),
    ),
    paymentRequests: registry.register(
      new Counter("payment_gateway_requests_total", "Calls to the payment gateway", ["operation", "outcome"]),
    ),
    dbPool: registry.register(new Gauge("db_pool_connections", "Database pool connections", ["state"])),
    startTime: registry.register(
      new Gauge("process_start_time_seconds", "Start time of the process since the epoch").collect(() => undefined),
    ),
    startedAt,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
