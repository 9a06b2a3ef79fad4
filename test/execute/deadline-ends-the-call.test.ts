import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  FAKE_TEXT,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

/** The client deadline of the first tests, and executor.total_timeout_ms for the others. */
const DEADLINE_MS = 400;
const TOTAL_TIMEOUT_MS = 700;

let fakes: StandardFakes;
let s: ExecuteServer;
let executorOnly: ExecuteServer;
let routerOnly: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  // Attempt and first-token timeouts far beyond the deadlines: only a deadline can end the call.
  const config = executeConfig(standardModels(fakes), { executor: { attempt_timeout_ms: 10_000, ttft_timeout_ms: 10_000, total_timeout_ms: TOTAL_TIMEOUT_MS } });
  s = await startExecuteServer(config);
  executorOnly = await startExecuteServer(config, { role: 'executor' });
  routerOnly = await startExecuteServer(config, { role: 'router', executors: [executorOnly.server.address] });
});
afterAll(async () => {
  await routerOnly?.close();
  await executorOnly?.close();
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

/** Resolves true if the promise settles within `ms`. */
const within = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('execute - the client deadline ends the call', () => {
  it('Execute against a hanging upstream ends with DEADLINE_EXCEEDED at about the deadline, and the provider call is aborted', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const { err, ms } = await execute(s.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    expect(err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_500);
    expect(await within(fakes.cheap.requests[0]!.closedEarly, 1_000)).toBe(true);
    // No other model was started after the deadline.
    expect(fakes.mid.requests).toHaveLength(0);
    // The server is free for the next call.
    const next = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(next.res!.message!.text).toBe(FAKE_TEXT);
  });

  it('ExecuteStream against a hanging upstream ends the same way', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const started = Date.now();
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    const ms = Date.now() - started;
    expect(r.err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_500);
    expect(r.events.map((e) => e.event)).toEqual(['decision']);
    expect(await within(fakes.cheap.requests[0]!.closedEarly, 1_000)).toBe(true);
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('through the router hop, the deadline reaches the executor and aborts the provider call', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const { err, ms } = await execute(routerOnly.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    expect(err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(ms).toBeLessThan(DEADLINE_MS + 1_500);
    expect(await within(fakes.cheap.requests[0]!.closedEarly, 1_000)).toBe(true);
    expect(fakes.mid.requests).toHaveLength(0);
  });
});

describe('execute - executor.total_timeout_ms bounds a call whose client sets a longer deadline', () => {
  it.each([
    ['in one process', () => s],
    ['through the router hop', () => routerOnly],
  ])('Execute %s ends with DEADLINE_EXCEEDED at about total_timeout_ms and aborts the provider call', async (_where, server) => {
    fakes.cheap.script({ fault: 'hang' });
    const { err, ms } = await execute(server().client, executeRequest('What is the capital of France?'), { deadlineMs: 10_000 });
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(ms).toBeGreaterThanOrEqual(TOTAL_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TOTAL_TIMEOUT_MS + 2_000);
    expect(await within(fakes.cheap.requests[0]!.closedEarly, 1_000)).toBe(true);
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it.each([
    ['in one process', () => s],
    ['through the router hop', () => routerOnly],
  ])('ExecuteStream %s ends the same way', async (_where, server) => {
    fakes.cheap.script({ fault: 'hang' });
    const started = Date.now();
    const r = await executeStream(server().client, executeRequest('What is the capital of France?'), { deadlineMs: 10_000 });
    expect(r.err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(TOTAL_TIMEOUT_MS + 2_000);
    expect(await within(fakes.cheap.requests[0]!.closedEarly, 1_000)).toBe(true);
  });
});
