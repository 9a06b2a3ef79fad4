/**
 * The JetStream store's publishes, against a real nats-server (-js -sd DIR): every message
 * carries its `Nats-Msg-Id`, the batch's headers encoded together are byte for byte what the
 * client's own `headers()` encodes, and a key that cannot be a header value (a client's
 * idempotency key with a line break) neither fails its batch nor escapes de-duplication.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers, type MsgHdrsImpl } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../services/shared/bus/nats-bus.js';
import { JetStreamRecordStore } from '../../services/router/record/jetstream-record-store.js';
import { MSG_ID, MsgIdHeaders, msgId } from '../../services/router/record/msg-id-headers.js';
import { encodeEntry } from '../../services/router/record/record-codec.js';
import type { StoredEntry } from '../../services/router/record/record-store.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';

const STREAM = 'TEST_STORE_DECISIONS';
let dir: string;
let nats: NatsServer;
let bus: NatsBus;
let store: JetStreamRecordStore;

function record(id: string): StoredEntry {
  return { key: id, about: id, kind: 'record', bytes: encodeEntry({ record: { version: 1, decisionId: id } }) };
}

/** Every message in the stream: its subject and its `Nats-Msg-Id`. */
async function stored(): Promise<{ subject: string; id: string }[]> {
  const jsm = await jetstreamManager(bus.connection()!);
  const info = await jsm.streams.info(STREAM);
  const out: { subject: string; id: string }[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(STREAM, { seq });
    if (m) out.push({ subject: m.subject, id: m.header.get(MSG_ID) });
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-jsstore-'));
  nats = await startNatsServer({ jetstream: join(dir, 'js') });
  bus = new NatsBus({ servers: [nats.url], name: 'test-store' });
  await bus.connected();
  store = new JetStreamRecordStore({ connection: () => bus.connection(), config: { stream: STREAM, replicas: 1, max_bytes: 1 << 30, max_age_ms: 86_400_000, duplicate_window_ms: 120_000 } });
}, 30_000);

afterAll(async () => {
  await store?.close();
  await bus?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('jetstream record store - message ids', () => {
  it('encodes a batch of Nats-Msg-Id headers exactly as headers() does, one message after another', () => {
    const ids = ['01890000-0000-7000-8000-000000000001', 'outcome.01890000-0000-7000-8000-000000000002', 'fb.x.rating.k'];
    const h = new MsgIdHeaders(ids);
    for (const id of ids) {
      h.next();
      const one = headers() as MsgHdrsImpl;
      one.set(MSG_ID, id);
      expect(Buffer.from(h.encode()).toString('latin1')).toBe(Buffer.from(one.encode()).toString('latin1'));
      expect(h.get(MSG_ID)).toBe(id);
    }
    expect(() => h.next()).toThrow(RangeError);
  });

  it('keeps a printable key as the message id and hashes any other', () => {
    expect(msgId('01890000-0000-7000-8000-000000000001')).toBe('01890000-0000-7000-8000-000000000001');
    const odd = 'fb.01890000-0000-7000-8000-000000000001.rating.line\r\nbreak é';
    expect(msgId(odd)).toBe(`sha256.${createHash('sha256').update(odd).digest('hex')}`);
    expect(msgId('a b')).toMatch(/^sha256\.[0-9a-f]{64}$/);
    expect(msgId('x'.repeat(257))).toMatch(/^sha256\.[0-9a-f]{64}$/);
  });

  it('publishes every entry of a batch with its key as Nats-Msg-Id, in order', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `01890000-0000-7000-8000-${String(500 + i).padStart(12, '0')}`);
    expect(await store.append(ids.map(record))).toEqual([]);
    const msgs = await stored();
    expect(msgs.map((m) => m.id)).toEqual(ids);
    expect(msgs.map((m) => m.subject)).toEqual(ids.map((id) => `switchyard.v1.decisions.record.${id}`));
  });

  it('writes a key that cannot be a header value, and stores it once when its batch is written again', async () => {
    const before = (await stored()).length;
    const about = '01890000-0000-7000-8000-000000000900';
    const odd: StoredEntry = { key: `fb.${about}.rating.line\r\nbreak é`, about, kind: 'feedback', bytes: encodeEntry({ feedback: { decisionId: about, metric: 'rating', value: 1 } }) };
    // First, in the middle of a batch (a plain publish), then last (the acknowledged publish).
    const batch = [record('01890000-0000-7000-8000-000000000901'), odd, record('01890000-0000-7000-8000-000000000902')];
    expect(await store.append(batch)).toEqual([]);
    expect(await store.append(batch)).toEqual([]);
    expect(await store.append([batch[0]!, odd])).toEqual([]);
    const added = (await stored()).slice(before);
    expect(added.map((m) => m.id)).toEqual(['01890000-0000-7000-8000-000000000901', msgId(odd.key), '01890000-0000-7000-8000-000000000902']);
    const feedback: unknown[] = [];
    for await (const e of store.scan({ about: [about] })) if (e.feedback) feedback.push(e.feedback);
    expect(feedback).toHaveLength(1);
  });
});
