/** Builders shared by the check suites. */
import type { ChatMessage, ResponseFormat, ToolCall, Usage } from '../../services/shared/contracts/provider.js';
import type { Answer, CheckContext, CheckInput, JudgeCall } from '../../services/router/execute/checks/check.js';

export function user(text: string): ChatMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function answer(text: string, more: Partial<Answer> = {}): Answer {
  return { text, toolCalls: [], finishReason: 'stop', ...more };
}

export function input(text: string, more: Partial<Answer> = {}, responseFormat: ResponseFormat = { type: 'text' }): CheckInput {
  return { messages: [user('Question?')], responseFormat, answer: answer(text, more) };
}

export function ctx(judge?: JudgeCall): CheckContext {
  return { signal: new AbortController().signal, ...(judge ? { judge } : {}) };
}

export const toolCall = (name: string, args: string): ToolCall => ({ id: `call_${name}`, name, arguments: args });

export const USAGE: Usage = { inputTokens: 812, outputTokens: 24, cachedInputTokens: 0, cacheWriteTokens: 0 };

/** A JudgeCall that answers with canned text and records every call. */
export function fakeJudge(reply: string | (() => Promise<never>)) {
  const calls: { messages: ChatMessage[]; model: string; signal: AbortSignal }[] = [];
  const judge: JudgeCall = async (messages, model, signal) => {
    calls.push({ messages, model, signal });
    if (typeof reply !== 'string') return reply();
    return { text: reply, usage: USAGE, costUsd: 0.00042, model: `${model}-2025-04-14` };
  };
  return { judge, calls };
}

export function textOf(message: ChatMessage | undefined): string {
  return (message?.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
}
