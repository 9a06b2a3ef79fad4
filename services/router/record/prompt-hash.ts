/**
 * The prompt hash every record carries (for joining and deduplication, never the text):
 * SHA-256 (hex) over each message's role and text, each followed by a NUL. Equal prompts give
 * equal hashes. One string and one one-shot digest per record: it runs for every decision.
 */
import crypto from 'node:crypto';
import type { ChatMessage } from '../../shared/contracts/provider.js';

/** A message's text parts, joined. */
export function messageText(m: ChatMessage): string {
  const parts = m.content;
  if (parts.length === 1) return parts[0]!.type === 'text' ? parts[0]!.text : '';
  let out = '';
  for (const p of parts) if (p.type === 'text') out += p.text;
  return out;
}

// crypto.hash (one call, no Hash object) is in Node >= 20.12; createHash elsewhere.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex' | 'buffer') => string | Buffer }).hash;

function hashed(messages: readonly ChatMessage[]): string {
  let s = '';
  for (const m of messages) s += `${m.role}\0${messageText(m)}\0`;
  return s;
}

export function promptHash(messages: readonly ChatMessage[]): string {
  const s = hashed(messages);
  return oneShot ? (oneShot('sha256', s, 'hex') as string) : crypto.createHash('sha256').update(s).digest('hex');
}

/** The prompt hash's 32 bytes (the encoder writes their hex itself, without making the string). */
export function promptDigest(messages: readonly ChatMessage[]): Buffer {
  const s = hashed(messages);
  return oneShot ? (oneShot('sha256', s, 'buffer') as Buffer) : crypto.createHash('sha256').update(s).digest();
}
