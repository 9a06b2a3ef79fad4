/**
 * Starts the metrics pipeline when something will read it, and returns the recorder:
 *  - a Prometheus scrape endpoint, `GET /metrics` on `listen` (host:port; port 0 picks one),
 *  - an OTLP/HTTP exporter when the standard OTEL_* variables ask for one
 *    (OTEL_METRICS_EXPORTER=otlp, or an OTLP endpoint with no OTEL_METRICS_EXPORTER set;
 *    OTEL_METRIC_EXPORT_INTERVAL sets the period; OTEL_SDK_DISABLED=true turns it off).
 * With neither, the recorder is NOOP_METRICS and nothing is measured at all.
 */
import { createServer, type Server } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NOOP_METRICS, type MetricsRecorder } from './metrics-recorder.js';
import { OtelMetrics, type MetricLabelSets } from './otel-metrics.js';
import { DecisionAggregate } from './decision-aggregate.js';

export interface MetricsOptions {
  /** host:port of the scrape endpoint; no endpoint when undefined. */
  listen?: string | undefined;
  env: NodeJS.ProcessEnv;
  serviceName: string;
  labels: MetricLabelSets;
}

export interface RunningMetrics {
  recorder: MetricsRecorder;
  /** host:port the scrape endpoint listens on (port resolved), when there is one. */
  address?: string;
  /** Exports what is pending and stops the endpoint. */
  close(): Promise<void>;
}

/** True when the environment asks for metrics over OTLP. */
export function otlpMetricsRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporters = (env.OTEL_METRICS_EXPORTER ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (exporters.length > 0) return exporters.includes('otlp') && !exporters.includes('none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
}

function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  const port = Number(listen.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`metrics listen address "${listen}" must be host:port`);
  return { host: listen.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

export async function startMetrics(o: MetricsOptions): Promise<RunningMetrics> {
  const otlp = otlpMetricsRequested(o.env);
  if (!o.listen && !otlp) return { recorder: NOOP_METRICS, close: async () => {} };

  const resource = resourceFromAttributes({ 'service.name': o.env.OTEL_SERVICE_NAME || o.serviceName });
  const decisions = new DecisionAggregate(resource);
  const readers: IMetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (o.listen) {
    prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, metricProducers: [decisions] });
    readers.push(prometheus);
  }
  if (otlp) {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    const interval = Number(o.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
    // The endpoint from `env` (the exporter itself reads only process.env for the rest).
    const base = o.env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '');
    const url = o.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || (base ? `${base}/v1/metrics` : undefined);
    const exporter = new OTLPMetricExporter(url ? { url } : {});
    readers.push(new PeriodicExportingMetricReader({ exporter, metricProducers: [decisions], exportIntervalMillis: interval, exportTimeoutMillis: Math.min(30_000, interval) }));
  }
  const provider = new MeterProvider({ resource, readers });
  const recorder = new OtelMetrics(provider.getMeter('switchyard'), o.labels, decisions);

  let server: Server | undefined;
  let address: string | undefined;
  if (prometheus && o.listen) {
    const exporter = prometheus;
    const { host, port } = splitHostPort(o.listen);
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/metrics') return exporter.getMetricsRequestHandler(req, res);
      res.statusCode = 404;
      res.end('not found: metrics are served at /metrics\n');
    });
    try {
      address = `${host.includes(':') ? `[${host}]` : host}:${await listenOn(server, host, port)}`;
    } catch (e) {
      await provider.shutdown();
      throw new Error(`cannot serve metrics on ${o.listen}: ${(e as Error).message}`);
    }
  }
  const close = async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await provider.shutdown().catch(() => {});
  };
  return { recorder, ...(address ? { address } : {}), close };
}
