/**
 * Conversions between the neutral types the services compute with (provider.ts,
 * invoke-types.ts) and the protobuf messages on the wire. Enums travel by name.
 */
import type { Attempt } from '../../generated/switchyard/v1/Attempt.js';
import type { AttemptOutcome } from '../../generated/switchyard/v1/AttemptOutcome.js';
import type { FinishReason as ProtoFinishReason } from '../../generated/switchyard/v1/FinishReason.js';
import type { Message } from '../../generated/switchyard/v1/Message.js';
import type { ToolCall as ProtoToolCall } from '../../generated/switchyard/v1/ToolCall.js';
import type { Usage as ProtoUsage } from '../../generated/switchyard/v1/Usage.js';
import type { AttemptInfo, AttemptOutcomeName } from '../contracts/invoke.js';
import type { ChatMessage, FinishReason, ResponseFormat, ToolCall, ToolDefinition, Usage } from '../contracts/provider.js';

const FINISH: Record<FinishReason, ProtoFinishReason> = {
  stop: 'FINISH_REASON_STOP',
  length: 'FINISH_REASON_LENGTH',
  tool_calls: 'FINISH_REASON_TOOL_CALLS',
  content_filter: 'FINISH_REASON_CONTENT_FILTER',
  error: 'FINISH_REASON_ERROR',
  other: 'FINISH_REASON_OTHER',
};
const FINISH_BACK = Object.fromEntries(Object.entries(FINISH).map(([k, v]) => [v, k])) as Record<string, FinishReason>;

const OUTCOME: Record<AttemptOutcomeName, AttemptOutcome> = {
  success: 'ATTEMPT_OUTCOME_SUCCESS',
  rejected: 'ATTEMPT_OUTCOME_REJECTED',
  retryable_error: 'ATTEMPT_OUTCOME_RETRYABLE_ERROR',
  fatal_error: 'ATTEMPT_OUTCOME_FATAL_ERROR',
  skipped: 'ATTEMPT_OUTCOME_SKIPPED',
};
const OUTCOME_BACK = Object.fromEntries(Object.entries(OUTCOME).map(([k, v]) => [v, k])) as Record<string, AttemptOutcomeName>;

const ROLE = { system: 'ROLE_SYSTEM', user: 'ROLE_USER', assistant: 'ROLE_ASSISTANT', tool: 'ROLE_TOOL' } as const;

export const finishToProto = (f: FinishReason): ProtoFinishReason => FINISH[f];
export const finishFromProto = (f: string): FinishReason => FINISH_BACK[f] ?? 'other';

export function usageToProto(u: Usage): ProtoUsage {
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens, cachedInputTokens: u.cachedInputTokens, cacheWriteTokens: u.cacheWriteTokens };
}

export function usageFromProto(u: { inputTokens: number; outputTokens: number; cachedInputTokens: number; cacheWriteTokens: number } | null | undefined): Usage {
  return { inputTokens: u?.inputTokens ?? 0, outputTokens: u?.outputTokens ?? 0, cachedInputTokens: u?.cachedInputTokens ?? 0, cacheWriteTokens: u?.cacheWriteTokens ?? 0 };
}

export const toolCallToProto = (c: ToolCall): ProtoToolCall => ({ id: c.id, name: c.name, argumentsJson: c.arguments });
export const toolCallFromProto = (c: { id: string; name: string; argumentsJson: string }): ToolCall => ({ id: c.id, name: c.name, arguments: c.argumentsJson });

export function attemptToProto(a: AttemptInfo): Attempt {
  return {
    model: a.model,
    deployment: a.deployment,
    step: a.step,
    outcome: OUTCOME[a.outcome],
    error: a.error,
    latencyMs: a.latencyMs,
    usage: usageToProto(a.usage),
    costUsd: a.costUsd,
    check: a.check,
  };
}

export function attemptFromProto(a: {
  model: string;
  deployment: string;
  step: string;
  outcome: string;
  error: string;
  latencyMs: number;
  usage: Parameters<typeof usageFromProto>[0];
  costUsd: number;
  check: string;
}): AttemptInfo {
  return { model: a.model, deployment: a.deployment, step: a.step, outcome: OUTCOME_BACK[a.outcome] ?? 'fatal_error', error: a.error, latencyMs: a.latencyMs, usage: usageFromProto(a.usage), costUsd: a.costUsd, check: a.check };
}

/** Neutral messages to the wire (for calls to a remote executor). */
export function messagesToProto(messages: readonly ChatMessage[]): Message[] {
  return messages.map((m) => ({
    role: ROLE[m.role],
    content: m.content.map((p) =>
      p.type === 'text'
        ? { text: p.text }
        : p.data !== undefined
          ? { image: { data: Buffer.from(p.data, 'base64'), mediaType: p.mediaType ?? '' } }
          : { image: { url: p.url ?? '', mediaType: p.mediaType ?? '' } },
    ),
    toolCalls: (m.toolCalls ?? []).map(toolCallToProto),
    toolCallId: m.toolCallId ?? '',
    name: m.name ?? '',
  }));
}

export function toolsToProto(tools: readonly ToolDefinition[] | undefined) {
  return (tools ?? []).map((t) => ({ name: t.name, description: t.description ?? '', parametersJson: JSON.stringify(t.parameters) }));
}

export function responseFormatToProto(f: ResponseFormat | undefined) {
  if (!f || f.type === 'text') return { type: 'RESPONSE_FORMAT_TYPE_TEXT' as const };
  if (f.type === 'json_object') return { type: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT' as const };
  return { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA' as const, schemaName: f.name, schemaJson: JSON.stringify(f.schema) };
}
