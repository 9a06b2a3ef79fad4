/**
 * No counter drifts: 1,000 mixed calls through three replicas' meters on one JetStream
 * key-value ledger, ending every way a call can end (an answer, a provider error with and
 * without billed usage, a cancellation, a deadline, a stream that fails mid-way, a reader
 * that stops early, whose output received is billed as estimated). Afterwards the spend and token counters equal the sums of what the
 * calls reported, to the nano-dollar and the token, and no reservation is left.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, usageCostUsd } from '../../services/shared/catalog.js';
import { receivedUsage } from '../../services/shared/contracts/estimate-tokens.js';
import type { ExecutorClient, InvokeEvent, InvokeFailure, InvokeInput, InvokeOutcome, InvokeSuccess } from '../../services/shared/contracts/invoke.js';
import { CancelledError, DeadlineExceededError } from '../../services/shared/errors.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { KvTenancyStore } from '../../services/router/tenancy/kv-cas-store.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import { MeteredExecutor } from '../../services/router/tenancy/metered-executor.js';
import { NANO_PER_USD, spendLimits, tokenLimit } from '../../services/router/tenancy/tenant-limits.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';
import { Prng } from '../../services/train/prng.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { stringify } from 'yaml';
import { tenancyConfig } from './support.js';

const CALLS = 1_000;
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const tenant: Tenant = { id: 'drift', models: null, policies: null, regions: null, dailyUsd: 1_000, monthlyUsd: 10_000, tpm: 100_000_000 };

let nats: NatsServer;
let stores: KvTenancyStore[];

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-js-')) });
  stores = [0, 1, 2].map(() => new KvTenancyStore({ nats: { servers: [nats.url], name: 'drift-test' }, onRevocation: () => undefined }));
  await Promise.all(stores.map((s) => s.opened()));
});

afterAll(async () => {
  await Promise.all((stores ?? []).map((s) => s.close()));
  await nats?.stop();
});

const catalog = new Catalog(parseConfig(stringify(tenancyConfig('http://127.0.0.1:9/v1', {})), 'drift'), {});

const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o, cachedInputTokens: 0, cacheWriteTokens: 0 });

/** What every call reported: the meters must have counted exactly this. */
const reported = { nano: 0, tokens: 0 };

function success(input: InvokeInput, cost: number, u: ReturnType<typeof usage>): InvokeSuccess {
  reported.nano += Math.round(cost * NANO_PER_USD);
  reported.tokens += u.inputTokens + u.outputTokens;
  return { ok: true, model: input.model, deployment: 'd1', usage: u, costUsd: cost, attempts: [], result: { message: { role: 'assistant', text: 'ok', toolCalls: [] }, finishReason: 'stop', usage: u, responseModel: input.model } };
}

function failure(input: InvokeInput, cost: number, u: ReturnType<typeof usage>, kind: string): InvokeFailure {
  reported.nano += Math.round(cost * NANO_PER_USD);
  reported.tokens += u.inputTokens + u.outputTokens;
  return { ok: false, model: input.model, usage: u, costUsd: cost, attempts: [], error: { kind, message: kind, retryable: kind !== 'aborted' } };
}

/**
 * A stream that ends with no outcome after output began (its reader left, or it threw) is billed
 * the prompt as sent and the output received, as the meter estimates it (stream-progress.ts).
 */
function billReceived(input: InvokeInput, text: string): void {
  const u = receivedUsage(input.request, text.length);
  reported.nano += Math.round(usageCostUsd(catalog.get(input.model)!, u) * NANO_PER_USD);
  reported.tokens += u.inputTokens + u.outputTokens;
}

/** The output-only part of billReceived, for a failure that billed the prompt but no output. */
function billReceivedOutput(input: InvokeInput, text: string): void {
  const u = { ...receivedUsage(input.request, text.length), inputTokens: 0 };
  reported.nano += Math.round(usageCostUsd(catalog.get(input.model)!, u) * NANO_PER_USD);
  reported.tokens += u.outputTokens;
}

/** An executor that ends each call the way the prng says. */
function faultyExecutor(rng: Prng): ExecutorClient {
  const pause = () => new Promise((r) => setTimeout(r, rng.next() * 3));
  return {
    async invoke(input): Promise<InvokeOutcome> {
      const u = usage(1 + Math.floor(rng.next() * 500), Math.floor(rng.next() * 200));
      const cost = u.inputTokens * 1e-7 + u.outputTokens * 3e-7 + rng.next() * 1e-9;
      const r = rng.next();
      await pause();
      if (r < 0.5) return success(input, cost, u);
      if (r < 0.65) return failure(input, cost * 0.3, usage(u.inputTokens, 0), 'server_error');
      if (r < 0.75) return failure(input, 0, usage(0, 0), 'timeout');
      if (r < 0.85) return failure(input, cost * 0.5, usage(u.inputTokens, 3), 'aborted');
      if (r < 0.93) throw new CancelledError('the call was cancelled');
      throw new DeadlineExceededError('the call deadline passed');
    },
    async *invokeStream(input): AsyncGenerator<InvokeEvent> {
      const u = usage(1 + Math.floor(rng.next() * 500), Math.floor(rng.next() * 200));
      const cost = u.inputTokens * 1e-7 + u.outputTokens * 3e-7;
      const r = rng.next();
      yield { type: 'start', deployment: 'd1' };
      await pause();
      yield { type: 'text-delta', text: 'o' };
      if (r < 0.6) yield { type: 'done', outcome: success(input, cost, u) };
      else if (r < 0.75) yield { type: 'error', partial: true, outcome: failure(input, cost * 0.4, u, 'stream_interrupted') };
      // A failure that billed the prompt and no output, although output arrived.
      else if (r < 0.85) yield { type: 'error', partial: true, outcome: failure(input, cost * 0.2, usage(u.inputTokens, 0), 'stream_interrupted') };
      else throw new CancelledError('the call was cancelled');
    },
  };
}

it('1,000 mixed calls with faults on 3 replicas: the counters equal what the calls reported', async () => {
  const rng = new Prng(20261202);
  const meters = stores.map((store) => new MeteredExecutor(faultyExecutor(rng), new Ledger({ store, now: () => NOW, holdTtlMs: 60_000 }), tenant, catalog, () => NOW));
  let next = 0;
  const ends = { ok: 0, failed: 0, threw: 0, stoppedEarly: 0 };
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      const meter = meters[i % 3]!;
      const input: InvokeInput = { model: i % 2 ? 'eu-model' : 'us-model', request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }], maxOutputTokens: 200 }, allowedRegions: [], decisionId: `d${i}`, step: 'primary' };
      const ctrl = new AbortController();
      let streamed = '';
      try {
        if (i % 4 === 3) {
          for await (const ev of meter.invokeStream(input, ctrl.signal)) {
            if (ev.type === 'text-delta') streamed += ev.text;
            // Some readers stop after the first token, as a client that goes away does.
            if (ev.type === 'text-delta' && i % 8 === 7) {
              ends.stoppedEarly++;
              billReceived(input, streamed);
              break;
            }
            if (ev.type === 'done') ends.ok++;
            if (ev.type === 'error') {
              ends.failed++;
              // A failure that billed no output although output arrived: the output received is added.
              if (ev.outcome.usage.outputTokens === 0) billReceivedOutput(input, streamed);
            }
          }
        } else {
          const o = await meter.invoke(input, ctrl.signal);
          if (o.ok) ends.ok++;
          else ends.failed++;
        }
      } catch {
        ends.threw++;
        // A stream that threw after output began reported nothing: its output is billed as estimated.
        if (streamed) billReceived(input, streamed);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const ledger = new Ledger({ store: stores[0]!, now: () => NOW, holdTtlMs: 60_000 });
  const [day, month] = spendLimits(tenant, NOW);
  const tokens = tokenLimit(tenant, NOW)!;
  const d = await ledger.read(day!.key);
  const m = await ledger.read(month!.key);
  const t = await ledger.read(tokens.key);
  console.log(`drift: ${CALLS} calls (${ends.ok} answered, ${ends.failed} failed, ${ends.threw} threw, ${ends.stoppedEarly} streams left early); spend ${d.used} nano-USD, reported ${reported.nano}; tokens ${t.used}, reported ${reported.tokens}`);
  expect(ends.ok + ends.failed + ends.threw + ends.stoppedEarly).toBe(CALLS);
  expect(ends.threw).toBeGreaterThan(0);
  expect(ends.stoppedEarly).toBeGreaterThan(0);
  expect(d).toEqual({ used: reported.nano, held: 0, holds: 0 });
  expect(m).toEqual({ used: reported.nano, held: 0, holds: 0 });
  expect(t).toEqual({ used: reported.tokens, held: 0, holds: 0 });
}, 120_000);
