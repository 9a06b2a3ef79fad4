/**
 * The writer between the request's path and the store: bounded, batched, never blocking; a
 * full queue drops and counts (warning at most once per interval, by an injected clock);
 * entries a store refused are written once it recovers; close flushes what is queued.
 */
import { describe, expect, it } from 'vitest';
import type { RecordBuilder } from '../../services/router/record/build-record.js';
import type { DecisionStore, StoredEntry } from '../../services/router/record/record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import { RecordWriter } from '../../services/router/record/record-writer.js';
import { collectGarbage } from '../support/collect-garbage.js';

class MemoryStore implements DecisionStore {
  readonly kind = 'file';
  maxInFlight = 1;
  open = 0;
  mostOpen = 0;
  entries: StoredEntry[] = [];
  batches: number[] = [];
  refuse = 0;
  gate: Promise<void> | undefined;
  async append(batch: readonly StoredEntry[]): Promise<StoredEntry[]> {
    this.mostOpen = Math.max(this.mostOpen, ++this.open);
    await this.gate;
    this.open--;
    if (this.refuse > 0) {
      this.refuse--;
      return [...batch];
    }
    this.batches.push(batch.length);
    this.entries.push(...batch);
    return [];
  }
  async *scan() {}
  async close() {}
}

const builder = { view: (p: any) => ({ decisionId: p.decision.response.decisionId }) } as unknown as RecordBuilder;
const pending = (id: string) => ({ source: 'decide' as const, decision: { response: { decisionId: id } } as any, timeUnixMs: 0 });

function writer(store: MemoryStore, o: Partial<ConstructorParameters<typeof RecordWriter>[0]> = {}) {
  return new RecordWriter({ store, builder, encode: (p) => encodeEntry({ record: { decisionId: p.decision.response.decisionId } }), queueSize: 10, batchSize: 4, flushIntervalMs: 1, retryMs: 1, ...o });
}

describe('record writer - queue and batches', () => {
  it('writes in batches of at most batch_size, in order', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    for (let i = 0; i < 10; i++) expect(w.submit(pending(`d${i}`))).toBe(true);
    await w.close();
    expect(store.entries.map((e) => e.key)).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}`));
    expect(Math.max(...store.batches)).toBeLessThanOrEqual(4);
    expect(w.stats).toMatchObject({ written: 10, dropped: 0, queued: 0 });
  });

  it('drops and counts when the queue is full, warning once per interval', async () => {
    const store = new MemoryStore();
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const warnings: Record<string, unknown>[] = [];
    let now = 0;
    const w = writer(store, { warn: (_m, f) => warnings.push(f!), warnIntervalMs: 1000, now: () => now });
    const accepted = Array.from({ length: 25 }, (_, i) => w.submit(pending(`d${i}`)));
    expect(accepted.filter(Boolean).length).toBeLessThanOrEqual(14); // the queue, plus one batch in flight
    const dropped = accepted.filter((a) => !a).length;
    expect(w.stats.dropped).toBe(dropped);
    expect(warnings).toHaveLength(1);
    now = 1000;
    w.submit(pending('late'));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatchObject({ dropped_total: dropped + 1 });
    release();
    await w.close();
    expect(w.stats.written + w.stats.dropped).toBe(26);
  });

  it('keeps entries the store refused and writes them when it recovers', async () => {
    const store = new MemoryStore();
    store.refuse = 3;
    const w = writer(store);
    for (let i = 0; i < 6; i++) w.submit(pending(`d${i}`));
    for (let i = 0; i < 500 && store.entries.length < 6; i++) await new Promise((r) => setTimeout(r, 2));
    expect(store.entries.map((e) => e.key).sort()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
    expect(w.stats.failedWrites).toBe(3);
    await w.close();
  });

  it('has up to the store\'s maxInFlight batches in append at once, and retries a refused one', async () => {
    const store = new MemoryStore();
    store.maxInFlight = 3;
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const w = writer(store, { batchSize: 2, queueSize: 100 });
    for (let i = 0; i < 12; i++) w.submit(pending(`d${i}`));
    for (let i = 0; i < 200 && store.open < 3; i++) await new Promise((r) => setTimeout(r, 1));
    expect(store.open).toBe(3);
    store.refuse = 1;
    release();
    await w.close();
    expect(store.mostOpen).toBe(3);
    expect(store.entries.map((e) => e.key).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `d${i}`).sort());
    expect(w.stats).toMatchObject({ written: 12, failedWrites: 1, queued: 0 });
  });

  it('tells listeners of records and feedback', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    const seen: string[] = [];
    w.on('record', (r) => seen.push(`record ${r.decisionId}`));
    w.on('feedback', (f) => seen.push(`feedback ${f.metric}`));
    w.on('record', () => {
      throw new Error('a broken listener');
    });
    w.submitFeedback({ decisionId: 'd0', metric: 'helpful', value: 1 }, 'k');
    w.submit(pending('d0'));
    await w.close();
    expect(seen).toEqual(['feedback helpful', 'record d0']);
    expect(store.entries.map((e) => e.kind)).toEqual(['feedback', 'record']);
  });

  it('lets go of written entries once its queue is empty, so their bytes are not kept until thousands more are written', async () => {
    let written = 0;
    const store: DecisionStore = {
      kind: 'file',
      append: async (batch) => {
        written += batch.length;
        return [];
      },
      scan: async function* () {},
      close: async () => {},
    };
    const bytes: WeakRef<Uint8Array>[] = [];
    const w = writer(new MemoryStore(), {
      store,
      encode: () => {
        const b = new Uint8Array(1024);
        bytes.push(new WeakRef(b));
        return b;
      },
    });
    for (let i = 0; i < 10; i++) w.submit(pending(`d${i}`));
    while (written < 10) await new Promise((r) => setTimeout(r, 1));
    await collectGarbage();
    expect(w.stats).toMatchObject({ written: 10, queued: 0 });
    expect(bytes.filter((b) => b.deref() !== undefined)).toHaveLength(0);
  });
});

