/**
 * The index's sidecar files: one per closed segment, written when it closes; retention deletes
 * it with its segment (and a reader deletes one left without its segment); a sidecar made from a
 * segment of another size is not trusted (the segment is read again); the index a writer builds
 * as it writes is what reading its segment gives; the sidecar's format round-trips and rejects
 * what is not one.
 */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../services/bench/random-model.js';
import { FileRecordStore, frame } from '../../services/router/record/file-record-store.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import { decodeSidecar, encodeSidecar, readSidecar } from '../../services/router/record/segment-index-file.js';
import { ATTR, ATTRS, SegmentIndex, indexFrames } from '../../services/router/record/segment-index.js';
import { entryFields, type RecordFields } from '../../services/router/record/entry-index-fields.js';
import { appendFrames, randomLog } from './random-log.js';

const LIST = { startTimeUnixMs: 0, endTimeUnixMs: 0, model: '', policy: '', labels: null, segment: '', feedback: 'FEEDBACK_FILTER_UNSPECIFIED', pageSize: 1000, pageToken: '' } as const;

const record = (id: string) => ({ key: id, about: id, kind: 'record' as const, bytes: encodeEntry({ record: { version: 1, decisionId: id, reason: 'x'.repeat(200) } }) });

const names = (dir: string, ext: string) => readdirSync(dir).filter((n) => n.endsWith(ext)).map((n) => n.slice(0, -ext.length)).sort();

describe('decision log index - sidecar files', () => {
  it('writes a sidecar when a segment closes, and retention deletes it with its segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logix-'));
    let now = 1_000;
    const s = new FileRecordStore({ dir, segment_bytes: 600, segment_ms: 60_000, max_bytes: 2_000, max_age_ms: 3_600_000, fsync: false, fsync_interval_ms: 0, now: () => now });
    for (let i = 0; i < 30; i++) {
      now += 10;
      await s.append([record(`r${String(i).padStart(2, '0')}`)]);
    }
    await s.close();
    for (const seg of names(dir, '.log')) expect(await readSidecar(join(dir, `${seg}.idx`), `${seg}.log`, statSync(join(dir, `${seg}.log`)).size)).toBeDefined(); // one a reader trusts
    const reader = () => new FileRecordStore({ dir, segment_bytes: 600, segment_ms: 60_000, max_bytes: 2_000, max_age_ms: 3_600_000, fsync: false, fsync_interval_ms: 0 });
    const listed = (await reader().list(LIST)).decisions!.map((d) => d.record!.decisionId);
    const kept = names(dir, '.log');
    expect(kept.length).toBeLessThan(15); // retention ran
    expect(names(dir, '.idx')).toEqual(kept); // (a sidecar a close wrote as retention took its segment: deleted by the reader)
    expect(listed).toEqual(Array.from({ length: 30 }, (_, i) => `r${String(29 - i).padStart(2, '0')}`).slice(0, listed.length));

    writeFileSync(join(dir, 'seg-0000000000005-1-0.idx'), 'left behind'); // its segment is gone
    await reader().list(LIST);
    expect(names(dir, '.idx')).toEqual(kept);

    now += 3 * 3_600_000;
    await s.applyRetention(); // past the age limit: every segment goes, each with its sidecar
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads a segment again when its sidecar was made from fewer bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logix-'));
    const seg = join(dir, 'seg-0000000001000-5000001-0.log'); // a process that is not running
    appendFileSync(seg, Buffer.concat([frame(record('a').bytes), frame(record('b').bytes)]));
    const open = () => new FileRecordStore({ dir, segment_bytes: 1e6, segment_ms: 1e6, max_bytes: 1e9, max_age_ms: 1e12, fsync: false, fsync_interval_ms: 0 });
    expect((await open().list(LIST)).decisions!.map((d) => d.record!.decisionId)).toEqual(['b', 'a']);
    expect(names(dir, '.idx')).toEqual(['seg-0000000001000-5000001-0']);
    appendFileSync(seg, frame(record('c').bytes));
    expect((await open().list(LIST)).decisions!.map((d) => d.record!.decisionId)).toEqual(['c', 'b', 'a']);
    expect((await open().view('c'))?.record?.decisionId).toBe('c');
  });

  it('a closing segment\'s sidecar is the index its writer built: what reading the segment gives, the fields it was handed used as given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logix-'));
    const s = new FileRecordStore({ dir, segment_bytes: 1e9, segment_ms: 1e9, max_bytes: 1e12, max_age_ms: 1e12, fsync: false, fsync_interval_ms: 0 });
    const log = randomLog(seededRandom(7), 200).map((e) => e.stored);
    // Records in even batches carry the fields the writer took from the decision.
    for (let i = 0; i < log.length; i += 16) {
      const batch = log.slice(i, i + 16);
      await s.append((i / 16) % 2 ? batch : batch.map((e) => (e.kind === 'record' ? { ...e, fields: entryFields(e.bytes) as RecordFields } : e)));
    }
    const handed = { ...record('given'), fields: { ...(entryFields(record('given').bytes) as RecordFields), model: 'from-the-writer' } };
    await s.append([handed]);
    await s.close();
    const [seg] = names(dir, '.log');
    const bytes = readFileSync(join(dir, `${seg}.log`));
    const read = new SegmentIndex(`${seg}.log`);
    indexFrames(read, bytes, 0);
    read.fileSize = bytes.length;
    const written = (await readSidecar(join(dir, `${seg}.idx`), `${seg}.log`, bytes.length))!;
    expect(written.rows).toBe(read.rows);
    expect(written.ids).toEqual(read.ids);
    expect(written.feedback).toEqual(read.feedback);
    expect(written.outcomes).toEqual(read.outcomes);
    const model = (ix: SegmentIndex, row: number) => ix.dict[ix.attr(row, ATTR.model)];
    for (let r = 0; r < read.rows - 1; r++) expect([written.time[r], written.off[r], written.len[r], ATTRS.map((_, a) => written.dict[written.attr(r, a)])]).toEqual([read.time[r], read.off[r], read.len[r], ATTRS.map((_, a) => read.dict[read.attr(r, a)])]);
    expect(model(written, read.rows - 1)).toBe('from-the-writer'); // as handed, not read back
  });

  it('round-trips an index, and rejects a truncated, altered or foreign file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logix-'));
    const path = join(dir, 'seg.log');
    appendFrames(path, randomLog(seededRandom(4), 300));
    const ix = new SegmentIndex('seg.log');
    const bytes = readFileSync(path);
    indexFrames(ix, bytes, 0);
    ix.fileSize = bytes.length;
    const encoded = encodeSidecar(ix);
    const back = decodeSidecar('seg.log', encoded)!;
    expect(back).toBeDefined();
    expect(encodeSidecar(back)).toEqual(encoded);
    expect(back.rows).toBe(ix.rows);
    expect(back.ids).toEqual(ix.ids);
    expect(back.feedback).toEqual(ix.feedback);
    expect(back.outcomes).toEqual(ix.outcomes);
    expect(decodeSidecar('seg.log', encoded.subarray(0, encoded.length - 1))).toBeUndefined();
    const altered = Buffer.from(encoded);
    altered.writeUInt8(altered.readUInt8(100) ^ 1, 100);
    expect(decodeSidecar('seg.log', altered)).toBeUndefined();
    expect(decodeSidecar('seg.log', Buffer.from('not an index at all, not at all'))).toBeUndefined();
  });
});
