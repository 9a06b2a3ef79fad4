/**
 * The decision log's index answers as a full scan does: for random logs (records, feedback
 * before and after its record and by episode, several reported outcomes, records stored twice,
 * spread over the segments of this process and of other processes), every page of random
 * ListDecisions filters and every GetDecision equals what folding a full scan gives; from a
 * cold start that reads the sidecars; after sidecars go missing or corrupt (rebuilt from their
 * segments); and while segments still grow (this process's open one, another live process's).
 */
import { mkdtempSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ListDecisionsRequest__Output } from '../../services/generated/switchyard/v1/ListDecisionsRequest.js';
import { seededRandom } from '../../services/bench/random-model.js';
import { ViewFolder, page } from '../../services/router/record/decision-views.js';
import { FileRecordStore } from '../../services/router/record/file-record-store.js';
import { decodeSidecar } from '../../services/router/record/segment-index-file.js';
import { appendFrames, randomLog, randomRequest, writeForeign, type LoggedEntry } from './random-log.js';

const DEAD_PIDS = [5_000_001, 5_000_002]; // above Linux's largest pid (2^22): never a running process

function open(dir: string, now: () => number) {
  return new FileRecordStore({ dir, segment_bytes: 3_000, segment_ms: 60_000, max_bytes: 1e9, max_age_ms: 1e12, fsync: false, fsync_interval_ms: 0, now });
}

async function folded(store: FileRecordStore): Promise<ViewFolder> {
  const f = new ViewFolder();
  for await (const e of store.scan()) f.add(e);
  return f;
}

/** Every page of `req` through the index equals the full scan's page, token for token. */
async function samePages(store: FileRecordStore, folder: ViewFolder, req: ListDecisionsRequest__Output): Promise<number> {
  const views = folder.views();
  let token = '';
  let pages = 0;
  do {
    const want = page(views, { ...req, pageToken: token });
    const got = await store.list({ ...req, pageToken: token });
    expect(got, JSON.stringify({ req, token })).toEqual(want);
    token = want.nextPageToken;
    pages++;
  } while (token && pages < 25);
  return pages;
}

async function sameAnswers(store: FileRecordStore, entries: readonly LoggedEntry[], seed: number): Promise<void> {
  const folder = await folded(store);
  const rand = seededRandom(seed);
  let pages = 0;
  for (let i = 0; i < 40; i++) pages += await samePages(store, folder, randomRequest(rand));
  expect(pages).toBeGreaterThan(40); // filters that page, not only empty answers
  const ids = [...new Set(entries.map((e) => e.stored.about))].filter(() => rand() < 0.3);
  let found = 0;
  for (const id of ids) {
    const want = folder.view(id);
    expect(await store.view(id)).toEqual(want);
    if (want) found++;
  }
  expect(found).toBeGreaterThan(10);
}

/** Writes the log: this process's share through the store (rotating), the rest as two other processes. */
async function writeLog(dir: string, entries: LoggedEntry[], rand: () => number): Promise<{ store: FileRecordStore; clock: { now: number } }> {
  const clock = { now: entries[0]!.time };
  const store = open(dir, () => clock.now);
  const foreign: LoggedEntry[][] = [[], []];
  let batch: LoggedEntry[] = [];
  for (const e of entries) {
    const w = rand();
    if (w < 0.5) batch.push(e);
    else foreign[w < 0.75 ? 0 : 1]!.push(e);
    if (batch.length && rand() < 0.3) {
      clock.now = e.time;
      expect(await store.append(batch.map((b) => b.stored))).toEqual([]);
      batch = [];
    }
  }
  await store.append(batch.map((b) => b.stored));
  foreign.forEach((es, i) => writeForeign(dir, DEAD_PIDS[i]!, es, 12));
  return { store, clock };
}

describe('decision log index - equals a full scan', () => {
  for (const seed of [1, 2, 3]) {
    it(`random log ${seed}: pages and single decisions, warm, cold, and with sidecars gone or corrupt`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'logix-'));
      const rand = seededRandom(seed);
      const entries = randomLog(rand, 700);
      const { store } = await writeLog(dir, entries, rand);
      const sidecars = () => readdirSync(dir).filter((n) => n.endsWith('.idx')).sort();
      const segments = readdirSync(dir).filter((n) => n.endsWith('.log'));
      expect(segments.length).toBeGreaterThan(10);
      await sameAnswers(store, entries, seed * 100);
      await store.close(); // the last segment closes too
      expect(sidecars().length).toBe(segments.length); // every sealed segment has one now

      const cold = open(dir, () => entries.at(-1)!.time);
      await sameAnswers(cold, entries, seed * 100 + 1);
      await cold.close();

      const [a, b, c] = sidecars();
      unlinkSync(join(dir, a!));
      truncateSync(join(dir, b!), 30);
      const bytes = readFileSync(join(dir, c!));
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 5) ^ 0xff, bytes.length - 5); // a flipped byte: the CRC fails
      writeFileSync(join(dir, c!), bytes);
      const rebuilt = open(dir, () => entries.at(-1)!.time);
      await sameAnswers(rebuilt, entries, seed * 100 + 2);
      for (const n of [a!, b!, c!]) expect(decodeSidecar(n, readFileSync(join(dir, n)))).toBeDefined();
      await rebuilt.close();
    }, 120_000);
  }

  it('follows segments that still grow: this process\'s open one and another running process\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logix-'));
    const rand = seededRandom(9);
    const entries = randomLog(rand, 900);
    const clock = { now: entries[0]!.time };
    const store = new FileRecordStore({ dir, segment_bytes: 1e9, segment_ms: 1e9, max_bytes: 1e10, max_age_ms: 1e12, fsync: false, fsync_interval_ms: 0, now: () => clock.now });
    const live = process.ppid; // a running process: its segment may still grow, so it gets no sidecar
    for (let i = 0; i < 9; i++) {
      const part = entries.slice(i * 100, i * 100 + 100);
      await store.append(part.filter((_, j) => j % 2 === 0).map((e) => e.stored));
      appendFrames(join(dir, `seg-${entries[0]!.time}-${live}-0.log`), part.filter((_, j) => j % 2 === 1));
      if (i % 3 !== 2) continue;
      expect(readdirSync(dir).filter((n) => n.endsWith('.log'))).toHaveLength(2);
      await sameAnswers(store, entries.slice(0, i * 100 + 100), i);
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.idx'))).toEqual([]);
    await store.close();
  }, 120_000);
});
