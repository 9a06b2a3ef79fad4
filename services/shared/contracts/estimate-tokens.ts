/** A quick token estimate of a call, for rate-limit reservations (corrected after the call). */
import type { ChatRequest } from './provider.js';

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
