/**
 * A consumer that stops reading a stream without cancelling anything (the front door breaking
 * off, a caller leaving its loop): the call's output so far is billed on the record as the
 * tenant's ledger bills it (test/tenancy/abandoned-stream-is-billed.test.ts), the provider's
 * connection is closed, and the deployment's slot is given back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecuteEngine, type ExecuteRecorder } from '../../services/router/execute/execute-engine.js';
import { ExecuteFailedError } from '../../services/router/execute/execute-types.js';
import { RemoteExecutor } from '../../services/router/remote-executor.js';
import { MemoryCasStore } from '../../services/router/tenancy/cas-store.js';
import { Ledger } from '../../services/router/tenancy/ledger.js';
import { MeteredExecutor } from '../../services/router/tenancy/metered-executor.js';
import { NANO_PER_USD, spendLimits } from '../../services/router/tenancy/tenant-limits.js';
import type { Tenant } from '../../services/router/tenancy/tenant.js';
import { estimateInvokeTokens } from '../../services/shared/contracts/estimate-tokens.js';
import { decideRequest } from '../support/requests.js';
import {
  executeConfig,
  inProcessEngine,
  PRICES,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type InProcessEngine,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let e: InProcessEngine;
let executorOnly: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  e = await inProcessEngine(executeConfig(standardModels(fakes)));
  executorOnly = await startExecuteServer(executeConfig(standardModels(fakes)), { role: 'executor' });
});
afterAll(async () => {
  e?.close();
  await executorOnly?.close();
  await fakes?.close();
});

const PROMPT = 'Describe the harbour at dawn in a few sentences.';

describe('execute - a consumer that stops reading a stream without cancelling it', () => {
  it('records the open call with the output received billed, closes the provider\'s stream and frees the deployment', async () => {
    fakes.reset();
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 50 });
    const recorded: Parameters<ExecuteRecorder>[0][] = [];
    const engine = new ExecuteEngine({ decider: e.decider, executor: e.executor, config: e.config, catalog: e.catalog, record: (d) => recorded.push(d) });
    const request = decideRequest(PROMPT, { requirements: { allowModels: ['cheap-openai'] }, maxOutputTokens: 200 });
    let received = '';
    for await (const ev of engine.executeStream(request, new AbortController().signal)) {
      if (ev.type === 'text-delta') {
        received += ev.text;
        break;
      }
    }
    expect(received.length).toBeGreaterThan(0);
    expect(recorded).toHaveLength(1);
    const error = recorded[0]!.error;
    expect(error).toBeInstanceOf(ExecuteFailedError);
    expect((error as ExecuteFailedError).error.kind).toBe('aborted');
    const attempts = (error as ExecuteFailedError).attempts;
    expect(attempts).toHaveLength(1);
    const [attempt] = attempts;
    const inputTokens = estimateInvokeTokens({ messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }], maxOutputTokens: 0 });
    const outputTokens = Math.ceil(received.length / 4);
    expect(attempt!.model).toBe('cheap-openai');
    expect(attempt!.usage).toEqual({ inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0 });
    expect(attempt!.costUsd).toBeCloseTo((inputTokens * PRICES.cheap.input + outputTokens * PRICES.cheap.output) / 1e6, 12);
    await fakes.cheap.requests[0]!.closedEarly;
    const deployments = e.executor.runtimes.find((r) => r.model.id === 'cheap-openai')!.deployments;
    expect(deployments.map((d) => d.limiter.inFlight)).toEqual(deployments.map(() => 0));
  });

  it('settles the tenant\'s reservation at the same estimate, to the nano-dollar', async () => {
    fakes.reset();
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 50 });
    const now = Date.now();
    const tenant: Tenant = { id: 'acme', models: null, policies: null, regions: null, dailyUsd: 10 };
    const ledger = new Ledger({ store: new MemoryCasStore(), now: () => now, holdTtlMs: 60_000 });
    const metered = new MeteredExecutor(e.executor, ledger, tenant, e.catalog, () => now);
    const input = { model: 'cheap-openai', request: { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: PROMPT }] }], maxOutputTokens: 200 }, allowedRegions: [], decisionId: 'd-left', step: 'primary' };
    let received = '';
    for await (const ev of metered.invokeStream(input, new AbortController().signal)) {
      if (ev.type === 'text-delta') {
        received += ev.text;
        break;
      }
    }
    const inputTokens = estimateInvokeTokens({ ...input.request, maxOutputTokens: 0 });
    const outputTokens = Math.ceil(received.length / 4);
    const costUsd = (inputTokens * PRICES.cheap.input + outputTokens * PRICES.cheap.output) / 1e6;
    const [day] = spendLimits(tenant, now);
    expect(await ledger.read(day!.key)).toEqual({ used: Math.round(costUsd * NANO_PER_USD), held: 0, holds: 0 });
    expect(costUsd).toBeGreaterThan(0);
  });

  it('a remote executor\'s call is cancelled too, so its provider stops generating', async () => {
    fakes.reset();
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 50 });
    const remote = new RemoteExecutor([executorOnly.server.address]);
    const input = { model: 'cheap-openai', request: { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: PROMPT }] }], maxOutputTokens: 200 }, allowedRegions: [], decisionId: 'd-left-remote', step: 'primary' };
    try {
      for await (const ev of remote.invokeStream(input, new AbortController().signal)) if (ev.type === 'text-delta') break;
      await fakes.cheap.requests[0]!.closedEarly;
      expect(fakes.cheap.requests).toHaveLength(1);
    } finally {
      remote.close();
    }
  });
});
