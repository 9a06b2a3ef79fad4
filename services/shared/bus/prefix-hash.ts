/**
 * Stable hashes of a request's prompt prefixes, at the block boundaries where providers' prompt
 * caches can hold a prefix: after the tools and system prompt together, then after each
 * following message. The router hashes a request to ask which model holds one of its
 * prefixes; an executor hashes the same request to say which prefix a model now holds. The
 * definition is part of the bus contract, so that a consumer in another language gets the same
 * hashes:
 *
 *   block 0  = "T" + canonical JSON of the tool definitions (sorted keys), then for every
 *              system message "S" + its text parts joined by "\n"
 *   block k  = role letter (U, A, T) + text parts joined by "\n" + for each image "I" + its
 *              url or data + for each tool call "C" + name + arguments
 *   a block longer than 2 × BLOCK_SAMPLE characters is hashed as its first BLOCK_SAMPLE
 *   characters + "\u0001" + its length in decimal + "\u0001" + its last BLOCK_SAMPLE characters,
 *   so that hashing costs the same for a 1 MB prompt as for a 4 KB one
 *   h0 = SHA-256("switchyard.prefix.v1\0" + block 0); h_k = SHA-256(h_{k-1} + block k)
 *   the prefix hash is the first 16 bytes of h, as lowercase hex.
 *
 * Blocks are joined with a NUL byte. Each boundary carries an estimate of its tokens (UTF-16
 * units / 4), used only to match what a provider reported as cached.
 */
import { hash } from 'node:crypto';
import type { ChatMessage, ToolDefinition } from '../contracts/provider.js';

export interface PrefixBoundary {
  hash: string;
  /** Estimated tokens of the prompt up to and including this block. */
  tokens: number;
}

/** At most this many boundaries are hashed (the first ones: caches hold leading prefixes). */
export const MAX_BOUNDARIES = 32;

/** Characters read from each end of a long block. */
export const BLOCK_SAMPLE = 1024;

const ROLE: Record<string, string> = { user: 'U', assistant: 'A', tool: 'T', system: 'S' };

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What a block's hash reads: the block itself, or for a long one its ends and its length. */
function sampled(parts: readonly string[]): { text: string; length: number } {
  let length = 0;
  for (const p of parts) length += p.length;
  if (length <= 2 * BLOCK_SAMPLE) return { text: parts.join(''), length };
  // Built from the parts' ends, never from the joined block, which would copy all of it.
  let head = '';
  for (let i = 0; i < parts.length && head.length < BLOCK_SAMPLE; i++) head += parts[i]!.slice(0, BLOCK_SAMPLE - head.length);
  let tail = '';
  for (let i = parts.length - 1; i >= 0 && tail.length < BLOCK_SAMPLE; i--) tail = parts[i]!.slice(-(BLOCK_SAMPLE - tail.length)) + tail;
  return { text: `${head}\u0001${length}\u0001${tail}`, length };
}

/** The parts of a message's block, in order (see the definition above). */
function messageParts(m: ChatMessage, role = true): string[] {
  const parts: string[] = role ? [ROLE[m.role] ?? '?'] : [];
  let first = true;
  for (const p of m.content) {
    if (p.type !== 'text') continue;
    if (!first) parts.push('\n');
    parts.push(p.text);
    first = false;
  }
  for (const p of m.content) if (p.type !== 'text') parts.push(`I${p.url ?? p.data ?? ''}`);
  for (const c of m.toolCalls ?? []) parts.push(`C${c.name}${c.arguments}`);
  return parts;
}

/** A block of the prompt as its hash reads it (`text`), and the block's length in UTF-16 units. */
export interface PrefixBlock {
  text: string;
  length: number;
}

/** The prompt's blocks as the definition above makes them, shortest prefix first: the first `limit` (at most MAX_BOUNDARIES). */
export function prefixBlocks(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] = [], limit = MAX_BOUNDARIES): PrefixBlock[] {
  return prefixBlockParts(messages, tools, limit).map(sampled);
}

/** The parts of each of the prompt's first `limit` blocks (at most MAX_BOUNDARIES), unjoined: a block is their concatenation. */
export function prefixBlockParts(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] = [], limit = MAX_BOUNDARIES): string[][] {
  const headParts = [tools.length > 0 ? `T${canonical(tools)}` : 'T'];
  let i = 0;
  for (; i < messages.length && messages[i]!.role === 'system'; i++) headParts.push('S', ...messageParts(messages[i]!, false));
  const out = [headParts];
  for (const max = Math.min(limit, MAX_BOUNDARIES); i < messages.length && out.length < max; i++) out.push(messageParts(messages[i]!));
  return out;
}

const DOMAIN = Buffer.from('switchyard.prefix.v1\0');
const DIGEST_BYTES = 32;
/** The bytes of one hash's input, reused: a sampled block is at most a few KB. */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** SHA-256 of `lead` then `text` (UTF-8), in one call: a hash object per block cost more than the hashing did. */
function sha256(lead: Uint8Array, text: string): Buffer {
  const need = lead.length + text.length * 3;
  if (need > scratch.length) scratch = Buffer.allocUnsafe(need);
  scratch.set(lead, 0);
  const n = lead.length + scratch.write(text, lead.length, 'utf8');
  return hash('sha256', scratch.subarray(0, n), 'buffer');
}

/** The prefix boundaries of a prompt, shortest first: the first `limit` of them (at most MAX_BOUNDARIES). */
export function prefixBoundaries(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] = [], limit = MAX_BOUNDARIES): PrefixBoundary[] {
  const blocks = prefixBlocks(messages, tools, limit);
  const out: PrefixBoundary[] = [];
  // h_k's input is h_{k-1} and the NUL that joins the blocks.
  const chain = Buffer.alloc(DIGEST_BYTES + 1);
  let units = 0;
  for (let k = 0; k < blocks.length; k++) {
    const block = blocks[k]!;
    units += k === 0 ? block.length : block.length + 1;
    const h = sha256(k === 0 ? DOMAIN : chain, block.text);
    h.copy(chain, 0, 0, DIGEST_BYTES);
    out.push({ hash: h.toString('hex', 0, 16), tokens: Math.ceil(units / 4) });
  }
  return out;
}
