import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_SAMPLE, prefixBoundaries } from '../../services/shared/bus/prefix-hash.js';
import type { ChatMessage } from '../../services/shared/contracts/provider.js';

const msg = (role: ChatMessage['role'], text: string): ChatMessage => ({ role, content: [{ type: 'text', text }] });

describe('prefix hash - stable hashes at block boundaries', () => {
  it('gives the same hashes for the same prompt, and shares the hashes of a common prefix', () => {
    const a = [msg('system', 'You are terse.'), msg('user', 'Question one'), msg('assistant', 'Answer'), msg('user', 'Question two')];
    const b = [...a.slice(0, 3), msg('user', 'A different question')];
    const ha = prefixBoundaries(a);
    expect(prefixBoundaries(a)).toEqual(ha);
    const hb = prefixBoundaries(b);
    expect(ha).toHaveLength(4); // system+tools, then each message
    expect(hb.slice(0, 3)).toEqual(ha.slice(0, 3));
    expect(hb[3]!.hash).not.toBe(ha[3]!.hash);
    expect(ha[0]!.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(ha[3]!.tokens).toBeGreaterThan(ha[0]!.tokens);
  });

  it('tools belong to the first block, whatever the order of their keys', () => {
    const m = [msg('user', 'hi')];
    const t1 = [{ name: 'f', description: 'd', parameters: { type: 'object', properties: { a: { type: 'string' } } } }];
    const t2 = [{ parameters: { properties: { a: { type: 'string' } }, type: 'object' }, description: 'd', name: 'f' }];
    expect(prefixBoundaries(m, t1)).toEqual(prefixBoundaries(m, t2));
    expect(prefixBoundaries(m, t1)[0]!.hash).not.toBe(prefixBoundaries(m)[0]!.hash);
  });

  it('reads only the ends and the length of a long block, so a 1 MB prompt costs about what a 4 KB one does', () => {
    const long = 'x'.repeat(1_000_000);
    const changedEnd = long.slice(0, -1) + 'y';
    const longer = long + 'x';
    const h = (t: string) => prefixBoundaries([msg('user', t)])[1]!.hash;
    expect(h(changedEnd)).not.toBe(h(long));
    expect(h(longer)).not.toBe(h(long));
    expect(prefixBoundaries([msg('user', long)])[1]!.tokens).toBe(Math.ceil((1 + 1 + 1 + 1_000_000) / 4));
    // Bounded work: only the ends and the length of a long block are read, so a change in its
    // middle leaves the hash as it was (the documented trade of sampling).
    const changedMiddle = long.slice(0, 500_000) + 'y' + long.slice(500_001);
    expect(h(changedMiddle)).toBe(h(long));
    const changedNearEnd = long.slice(0, -BLOCK_SAMPLE) + 'y' + long.slice(-BLOCK_SAMPLE + 1);
    expect(h(changedNearEnd)).not.toBe(h(long));
  });

  it('gives the hashes of the definition (known answers, fixed when the contract was written down)', () => {
    const tools = [{ name: 'f', description: 'd', parameters: { type: 'object', properties: { a: { type: 'string' } } } }];
    const prompt = [msg('system', 'You are terse.'), msg('user', 'Question one'), msg('assistant', 'Answer é 中文'), msg('user', 'x'.repeat(5000))];
    expect(prefixBoundaries(prompt, tools)).toEqual([
      { hash: '8e9e14413e86685d69411ef196cf46ab', tokens: 29 },
      { hash: '0dc8cdc0daaede947e4e43e123d99fd5', tokens: 33 },
      { hash: '40b1b285778707ac326ae85bd90cd46d', tokens: 36 },
      { hash: 'dd05c3dd38ff1aef1ee49b229493fec5', tokens: 1287 },
    ]);
    expect(prefixBoundaries([msg('user', 'hi')])).toEqual([
      { hash: 'fa8e77e350ab63f76801b86f4b61b6a3', tokens: 1 },
      { hash: 'a6f38364db0bc150f8c79f5e0b946f16', tokens: 2 },
    ]);
  });

  it('hashes as SHA-256 over the blocks joined by NUL, as the definition says', () => {
    const prompt = [msg('system', 'S1'), msg('user', 'u')];
    const h0 = createHash('sha256').update('switchyard.prefix.v1\0TSS1').digest();
    const h1 = createHash('sha256').update(h0).update('\0Uu').digest();
    expect(prefixBoundaries(prompt).map((b) => b.hash)).toEqual([h0.subarray(0, 16).toString('hex'), h1.subarray(0, 16).toString('hex')]);
  });
});
