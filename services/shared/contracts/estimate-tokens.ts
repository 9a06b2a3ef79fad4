/** A quick token estimate of a call, for rate-limit reservations (corrected after the call). */
import type { ChatRequest, ToolCall, Usage } from './provider.js';

const IMAGE_TOKENS = 1000;

export function estimateInvokeTokens(req: Omit<ChatRequest, 'model'>): number {
  let chars = 0;
  let images = 0;
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === 'text') chars += p.text.length;
      else images++;
    }
    for (const c of m.toolCalls ?? []) chars += c.arguments.length;
  }
  for (const t of req.tools ?? []) chars += JSON.stringify(t.parameters).length + t.name.length + (t.description?.length ?? 0);
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS + (req.maxOutputTokens ?? 1024);
}

/** The characters of output a stream delivered: its text and its tool calls' names and arguments. */
export function outputChars(text: string, toolCalls: readonly ToolCall[]): number {
  let out = text.length;
  for (const c of toolCalls) out += c.name.length + c.arguments.length;
  return out;
}

/**
 * The usage to bill for a streamed answer cut off after output began, when the provider never
 * sent its count: the prompt as sent and the output received so far, at four characters a token.
 * Providers bill what they generated, so counting nothing would let spend pass a budget unseen.
 */
export function partialUsage(req: Omit<ChatRequest, 'model'>, text: string, toolCalls: readonly ToolCall[]): Usage {
  return receivedUsage(req, outputChars(text, toolCalls));
}

/** partialUsage for `chars` characters of output received (outputChars). */
export function receivedUsage(req: Omit<ChatRequest, 'model'>, chars: number): Usage {
  return { inputTokens: estimateInvokeTokens({ ...req, maxOutputTokens: 0 }), outputTokens: Math.ceil(chars / 4), cachedInputTokens: 0, cacheWriteTokens: 0 };
}
