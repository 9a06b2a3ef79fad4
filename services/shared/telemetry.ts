/**
 * OpenTelemetry. The services use only @opentelemetry/api; `startTelemetry` installs the SDK
 * when the standard OTEL_* variables ask for an exporter, and is a no-op otherwise. W3C trace
 * context travels in gRPC metadata (`traceparent`, `tracestate`).
 */
import { context, isSpanContextValid, propagation, ProxyTracerProvider, SpanStatusCode, trace, type Context, type Span, type TextMapGetter, type TextMapSetter, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { Metadata, status } from '@grpc/grpc-js';

export const TRACER_NAME = 'switchyard';

let tracerOf: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/**
 * The service's tracer. Asked for again only when the global tracer provider changes (an SDK
 * disabled and another installed): the API's getTracer makes a new proxy tracer on every call
 * while no SDK is installed, and one was asked for on every RPC and provider call.
 */
export function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== tracerOf || cachedTracer === undefined) {
    tracerOf = provider;
    cachedTracer = provider.getTracer(TRACER_NAME);
  }
  return cachedTracer;
}

/**
 * Whether spans can record: false while no SDK is installed, when every span is a
 * non-recording no-op and the attributes given to it are thrown away, so a caller can skip
 * building them.
 */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

/**
 * Runs `fn` with `span` as the active span. A span that neither records nor carries a valid
 * trace context (no SDK and no traceparent from the caller) has nothing to hand on, so `fn`
 * then runs as it is, without a new context per call.
 */
export function withSpan<T>(span: Span, fn: () => T): T {
  if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return fn();
  return context.with(trace.setSpan(context.active(), span), fn);
}

/**
 * Marks a span failed with a message that holds no client value: the gRPC status name and the
 * error's class, with the error kind (a fixed word) when it has one. Error messages repeat
 * what the client sent (an unknown policy's name, a provider's quote of the prompt), so they
 * stay out of spans.
 */
export function setSpanError(span: Span, err: unknown, code?: status): void {
  const name = err instanceof Error ? err.name : 'Error';
  const kind = (err as { error?: { kind?: unknown }; kind?: unknown } | null)?.error?.kind ?? (err as { kind?: unknown } | null)?.kind;
  const codeName = code !== undefined ? status[code] : undefined;
  const message = [codeName, name, typeof kind === 'string' && /^[a-z_]{1,40}$/.test(kind) ? kind : undefined].filter(Boolean).join(' ');
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (typeof kind === 'string' && /^[a-z_]{1,40}$/.test(kind)) span.setAttribute('error.type', kind);
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
