/**
 * OpenTelemetry. The services use only @opentelemetry/api; `startTelemetry` installs the SDK
 * when the standard OTEL_* variables ask for an exporter, and is a no-op otherwise. W3C trace
 * context travels in gRPC metadata (`traceparent`, `tracestate`).
 */
import { context, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { Metadata } from '@grpc/grpc-js';

export const TRACER_NAME = 'switchyard';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

const metadataGetter: TextMapGetter<Metadata> = {
  get(carrier, key) {
    const values = carrier.get(key);
    if (values.length === 0) return undefined;
    return values.length === 1 ? String(values[0]) : values.map(String);
  },
  keys(carrier) {
    return Object.keys(carrier.getMap());
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/** The trace context a client sent in its call metadata. */
export function contextFromMetadata(metadata: Metadata): Context {
  return propagation.extract(context.active(), metadata, metadataGetter);
}

/** Metadata carrying the active (or given) trace context, for an outgoing call. */
export function metadataWithContext(ctx: Context = context.active(), metadata = new Metadata()): Metadata {
  propagation.inject(ctx, metadata, metadataSetter);
  return metadata;
}

/** True when the environment asks for traces to be exported. */
export function telemetryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts the OpenTelemetry SDK when asked for; returns its shutdown. */
export async function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  if (!telemetryRequested(env)) return async () => {};
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  if (!env.OTEL_SERVICE_NAME) process.env.OTEL_SERVICE_NAME = serviceName;
  // Metrics have their own pipeline (metrics/start-metrics.ts): the SDK sets up traces only.
  const sdk = new NodeSDK({ instrumentations: [], metricReaders: [] });
  sdk.start();
  return () => sdk.shutdown();
}
