/**
 * The local segment store: frames survive a torn tail, segments rotate by size and age, and
 * retention deletes the oldest by total size and by age (an injected clock, no waiting);
 * fdatasync is a group commit: one per interval for every batch written in it, and one before
 * a segment closes (counted on the file handles, fake timers).
 */
import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileRecordStore } from '../../services/router/record/file-record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import type { StoredEntry } from '../../services/router/record/record-store.js';

const entry = (id: string): StoredEntry => {
  const e = { record: { version: 1, decisionId: id, reason: 'x'.repeat(200) } };
  return { key: id, about: id, kind: 'record', bytes: encodeEntry(e) };
};

async function ids(store: FileRecordStore): Promise<string[]> {
  const out: string[] = [];
  for await (const e of store.scan()) out.push(e.record!.decisionId);
  return out;
}

function store(dir: string, now: () => number, o: Partial<ConstructorParameters<typeof FileRecordStore>[0]> = {}) {
  return new FileRecordStore({ dir, segment_bytes: 1000, segment_ms: 60_000, max_bytes: 1_000_000, max_age_ms: 3_600_000, fsync: false, fsync_interval_ms: 0, now, ...o });
}

describe('file record store - segments', () => {
  it('reads back what was written, and stops cleanly at a torn last frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seg-'));
    const s = store(dir, () => 1_000);
    expect(await s.append([entry('a'), entry('b')])).toEqual([]);
    await s.close();
    const [seg] = readdirSync(dir).filter((n) => n.endsWith('.log'));
    appendFileSync(join(dir, seg!), Buffer.from([200, 0, 0, 0, 1, 2, 3])); // a crash mid-frame
    expect(await ids(store(dir, () => 2_000))).toEqual(['a', 'b']);
  });

  it('frames a smaller batch after a larger one whole (the framing buffer is reused)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seg-'));
    const s = store(dir, () => 1_000, { segment_bytes: 1_000_000 });
    const big = Array.from({ length: 8 }, (_, i) => entry(`big${i}`));
    expect(await s.append(big)).toEqual([]);
    expect(await s.append([entry('small0'), entry('small1')])).toEqual([]);
    expect(await s.append(big.slice(0, 3).map((e) => ({ ...e, bytes: encodeEntry({ record: { version: 1, decisionId: `${e.key}-again` } }) })))).toEqual([]);
    expect(await ids(s)).toEqual([...big.map((e) => e.key), 'small0', 'small1', 'big0-again', 'big1-again', 'big2-again']);
    await s.close();
  });

  it('rotates by size and by age, and never appends to another process\'s segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seg-'));
    let now = 1_000;
    const s = store(dir, () => now);
    for (let i = 0; i < 6; i++) await s.append([entry(`s${i}`)]); // ~250 B each: rotates past 1000 B
    const segments = () => readdirSync(dir).filter((n) => n.endsWith('.log')); // beside them: closed segments' index sidecars
    const bySize = segments().length;
    expect(bySize).toBeGreaterThanOrEqual(2);
    now += 60_000;
    await s.append([entry('later')]);
    expect(segments().length).toBe(bySize + 1);
    expect(await ids(s)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 'later']);
    await s.close();
  });

  it('deletes the oldest segments past the size limit and the age limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seg-'));
    let now = 1_000;
    const s = store(dir, () => now, { max_bytes: 1200 });
    for (let i = 0; i < 12; i++) await s.append([entry(`x${i}`)]);
    const kept = await ids(s);
    expect(kept.length).toBeLessThan(12);
    expect(kept).toEqual(Array.from({ length: 12 }, (_, i) => `x${i}`).slice(12 - kept.length)); // the newest survive
    now += 3_600_000 + 120_000;
    await s.append([entry('fresh')]);
    expect(await ids(s)).toEqual(['fresh']);
    await s.close();
  });
});

describe('file record store - group commit', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  async function countSyncs() {
    const dir = mkdtempSync(join(tmpdir(), 'seg-'));
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { datasync: () => Promise<void> };
    await fh.close();
    return { dir, syncs: vi.spyOn(proto, 'datasync') };
  }

  it('syncs once per interval for all the batches written in it, the rest when the interval ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { dir, syncs } = await countSyncs();
    let now = 10_000;
    const s = store(dir, () => now, { fsync: true, fsync_interval_ms: 1_000, segment_bytes: 1_000_000 });
    await s.append([entry('a')]); // the first batch: nothing synced yet, so at once
    expect(syncs).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) {
      now += 10;
      await s.append([entry(`b${i}`)]);
    }
    expect(syncs).toHaveBeenCalledTimes(1); // 20 batches within the interval: none yet
    now += 1_000;
    await vi.advanceTimersByTimeAsync(1_000); // the interval ends: one sync covers them all
    await s.append([]); // waits for the store's chain
    expect(syncs).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5_000); // nothing new written: no sync
    expect(syncs).toHaveBeenCalledTimes(2);
    now += 10;
    await s.append([entry('c')]);
    expect(syncs).toHaveBeenCalledTimes(2);
    await s.close(); // closing syncs what the interval had not
    expect(syncs).toHaveBeenCalledTimes(3);
    expect(await ids(store(dir, () => now))).toEqual(['a', ...Array.from({ length: 20 }, (_, i) => `b${i}`), 'c']);
  });

  it('syncs after every batch with an interval of 0, and never with fsync off', async () => {
    const { dir, syncs } = await countSyncs();
    const every = store(dir, () => 1_000, { fsync: true, fsync_interval_ms: 0 });
    for (let i = 0; i < 3; i++) await every.append([entry(`e${i}`)]);
    await every.close();
    expect(syncs).toHaveBeenCalledTimes(3);
    const never = store(mkdtempSync(join(tmpdir(), 'seg-')), () => 1_000, { fsync: false, fsync_interval_ms: 0 });
    for (let i = 0; i < 3; i++) await never.append([entry(`n${i}`)]);
    await never.close();
    expect(syncs).toHaveBeenCalledTimes(3);
  });
});
