/**
 * Scrapes a /metrics endpoint over HTTP and reads it with a Prometheus text-format parser.
 *
 * parse-prometheus-text-format folds every series of a histogram family into one sample
 * without labels (its flattenMetrics), which loses labeled histograms. So the text is parsed
 * a second time with histogram families marked untyped: the parser then reads `_bucket`,
 * `_sum` and `_count` as plain series with all their labels, and `histogram()` joins them.
 */
import parsePrometheusTextFormat, { type PromFamily, type PromSample } from 'parse-prometheus-text-format';

export interface HistogramSeries {
  labels: Record<string, string>;
  /** Cumulative counts by upper bound (`le`), in exposition order. */
  buckets: [string, number][];
  count: number;
  sum: number;
}

export interface Scrape {
  text: string;
  families: PromFamily[];
  /** Samples of a counter or gauge family whose labels include `labels`. */
  samples(name: string, labels?: Record<string, string>): PromSample[];
  /** Series of a histogram family whose labels include `labels`. */
  histogram(name: string, labels?: Record<string, string>): HistogramSeries[];
  /** The sum of the values (counters, gauges) or of the counts (histograms) that match. */
  total(name: string, labels?: Record<string, string>): number;
  /** Every label value in the scrape. */
  labelValues(): string[];
}

const includes = (have: Record<string, string> | undefined, want: Record<string, string>) => Object.entries(want).every(([k, v]) => have?.[k] === v);
const sameSeries = (a: Record<string, string>, b: Record<string, string>) => {
  const { le: _, ...rest } = a;
  return Object.keys(rest).length === Object.keys(b).length && includes(rest, b);
};

export async function scrape(address: string): Promise<Scrape> {
  const res = await fetch(`http://${address}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  const families = parsePrometheusTextFormat(text);
  const flat = parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
  const series = (name: string) => flat.filter((f) => f.name === name).flatMap((f) => f.metrics);
  const family = (name: string) => {
    const f = families.find((x) => x.name === name);
    if (!f) throw new Error(`no metric family ${name} in the scrape; have ${families.map((x) => x.name).join(', ')}`);
    return f;
  };
  const samples = (name: string, labels: Record<string, string> = {}) => family(name).metrics.filter((m) => includes(m.labels, labels));
  const histogram = (name: string, labels: Record<string, string> = {}): HistogramSeries[] => {
    if (family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    return series(`${name}_count`)
      .filter((c) => includes(c.labels, labels))
      .map((c) => {
        const own = c.labels ?? {};
        return {
          labels: own,
          buckets: series(`${name}_bucket`)
            .filter((b) => sameSeries(b.labels ?? {}, own))
            .map((b) => [b.labels!.le!, Number(b.value)] as [string, number]),
          count: Number(c.value),
          sum: Number(series(`${name}_sum`).find((s) => sameSeries(s.labels ?? {}, own))?.value),
        };
      });
  };
  return {
    text,
    families,
    samples,
    histogram,
    total: (name, labels) =>
      family(name).type === 'HISTOGRAM' ? histogram(name, labels).reduce((s, h) => s + h.count, 0) : samples(name, labels).reduce((s, m) => s + Number(m.value ?? 0), 0),
    labelValues: () => flat.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {}))),
  };
}
