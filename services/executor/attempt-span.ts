/**
 * One span per provider call, with the OpenTelemetry GenAI semantic conventions. The provider
 * HTTP request runs inside the span's context, so its `traceparent` names this span. No
 * prompt or answer text goes into a span.
 */
import { SpanKind, type Span } from '@opentelemetry/api';
import { setSpanError, tracer, tracingOn, withSpan } from '../shared/telemetry.js';
import type { InvokeInput } from '../shared/contracts/invoke.js';
import type { DeploymentRuntime, ModelRuntime } from './model-runtime.js';
import { ProviderError } from './providers/errors.js';
import type { ChatRequest, ChatResult, Usage } from '../shared/contracts/provider.js';

/** gen_ai.provider.name values of the conventions, by adapter kind. */
const PROVIDER_NAMES: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gcp.gemini', 'openai-compatible': 'openai' };

export interface AttemptSpanInput {
  rt: ModelRuntime;
  d: DeploymentRuntime;
  input: InvokeInput;
  request: ChatRequest;
}

/** server.address by base URL, parsed once per endpoint rather than per call. */
const hosts = new Map<string, string>();

function hostOf(baseUrl: string): string {
  let host = hosts.get(baseUrl);
  if (host === undefined) {
    try {
      host = new URL(baseUrl).host;
    } catch {
      host = '';
    }
    hosts.set(baseUrl, host);
  }
  return host;
}

const CLIENT_SPAN = { kind: SpanKind.CLIENT } as const;

export function startAttemptSpan(x: AttemptSpanInput, streaming: boolean): Span {
  // Without an SDK every span is a no-op: neither its name nor its attributes are built.
  if (!tracingOn()) return tracer().startSpan('chat', CLIENT_SPAN);
  const host = hostOf(x.d.endpoint.baseUrl);
  return tracer().startSpan(`chat ${x.request.model}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': PROVIDER_NAMES[x.d.adapter.kind] ?? x.d.adapter.kind,
      'gen_ai.request.model': x.request.model,
      ...(x.request.maxOutputTokens ? { 'gen_ai.request.max_tokens': x.request.maxOutputTokens } : {}),
      ...(x.request.temperature !== undefined ? { 'gen_ai.request.temperature': x.request.temperature } : {}),
      'server.address': host,
      'switchyard.model': x.rt.model.id,
      'switchyard.deployment': x.d.id,
      'switchyard.step': x.input.step,
      'switchyard.decision_id': x.input.decisionId,
      'switchyard.simulated': x.d.simulated,
      'switchyard.streaming': streaming,
    },
  });
}

export function endAttemptSpan(span: Span, outcome: { usage: Usage; responseModel: string; finishReason: string } | { error: unknown }): void {
  if ('error' in outcome) {
    const e = outcome.error;
    span.setAttribute('error.type', e instanceof ProviderError ? e.kind : 'unknown');
    if (e instanceof ProviderError && e.status) span.setAttribute('http.response.status_code', e.status);
    setSpanError(span, e);
  } else if (span.isRecording()) {
    span.setAttributes({
      'gen_ai.response.model': outcome.responseModel,
      'gen_ai.response.finish_reasons': [outcome.finishReason],
      'gen_ai.usage.input_tokens': outcome.usage.inputTokens,
      'gen_ai.usage.output_tokens': outcome.usage.outputTokens,
      'gen_ai.usage.cache_read.input_tokens': outcome.usage.cachedInputTokens,
      'gen_ai.usage.cache_creation.input_tokens': outcome.usage.cacheWriteTokens,
    });
  }
  span.end();
}

/** Runs a non-streaming provider call inside its span. */
export async function tracedAttempt(x: AttemptSpanInput, call: () => Promise<ChatResult>): Promise<ChatResult> {
  const span = startAttemptSpan(x, false);
  try {
    const result = await withSpan(span, call);
    endAttemptSpan(span, result);
    return result;
  } catch (e) {
    endAttemptSpan(span, { error: e });
    throw e;
  }
}
