import { describe, expect, it } from 'vitest';
import { EntryQueue } from '../../services/router/record/entry-queue.js';
import type { RecordFields } from '../../services/router/record/entry-index-fields.js';

const fields = (id: string): RecordFields => ({ kind: 'record', id, timeUnixMs: 7, model: 'm', answered: '', policy: 'p', tenant: 't', userTier: '', task: 'math', session: '', segment: 'math', extra: '' });
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('entry queue - queued entries kept compact', () => {
  it('hands entries out in order with their bytes and index fields, refused ones first next time', () => {
    const q = new EntryQueue();
    q.push('d0', 'd0', 'record', bytes(10, 1), fields('d0'));
    q.push('f0', 'd0', 'feedback', bytes(5, 2));
    q.push('d1', 'd1', 'record', bytes(3, 3), fields('d1'));
    expect(q.length).toBe(3);
    const first = q.take(2);
    expect(first.entries.map((e) => [e.key, e.about, e.kind, [...e.bytes]])).toEqual([
      ['d0', 'd0', 'record', Array(10).fill(1)],
      ['f0', 'd0', 'feedback', Array(5).fill(2)],
    ]);
    expect(first.entries[0]!.fields).toEqual(fields('d0'));
    expect(first.entries[1]!.fields).toBeUndefined();
    expect(q.length).toBe(1);
    q.retry([first.entries[1]!]);
    q.done(first);
    const second = q.take(10);
    expect(second.entries.map((e) => [e.key, [...e.bytes]])).toEqual([
      ['f0', Array(5).fill(2)],
      ['d1', Array(3).fill(3)],
    ]);
    q.done(second);
    expect(q.length).toBe(0);
  });

  it('writes new entries over a page only once every entry of it is written', () => {
    const q = new EntryQueue();
    const big = 100 * 1024;
    q.push('a', 'a', 'record', bytes(big, 1));
    q.push('b', 'b', 'record', bytes(big, 2));
    q.push('c', 'c', 'record', bytes(big, 3)); // a second page
    const batch = q.take(3);
    q.push('d', 'd', 'record', bytes(big, 4));
    // Not written yet: what the batch holds stays as it was.
    expect(batch.entries.map((e) => e.bytes[0])).toEqual([1, 2, 3]);
    q.done(batch);
    q.push('e', 'e', 'record', bytes(big, 5));
    q.push('f', 'f', 'record', bytes(big, 6)); // a page again: the first one, reused
    const next = q.take(3);
    expect(next.entries.map((e) => e.bytes[0])).toEqual([4, 5, 6]);
    expect(next.entries[2]!.bytes.buffer).toBe(batch.entries[0]!.bytes.buffer);
    // An entry larger than a page gets one of its own.
    q.push('g', 'g', 'record', bytes(300 * 1024, 7));
    expect(q.take(1).entries[0]!.bytes.length).toBe(300 * 1024);
  });
});
