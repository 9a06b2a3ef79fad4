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

/**
 * The client deadline of the first tests, and executor.total_timeout_ms for the others: long
 * enough for the call to reach the upstream on a loaded machine (at 400 ms it sometimes ran out
 * before the provider was called), since each test also checks that the provider call is aborted.
 */
const DEADLINE_MS = 1_000;
const TOTAL_TIMEOUT_MS = 1_500;
/** What grpc-js says when the client's own deadline ends a call. */
const CLIENT_DEADLINE_DETAILS = /^Deadline exceeded/;

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


describe('execute - the client deadline ends the call', () => {
  it('Execute against a hanging upstream ends with DEADLINE_EXCEEDED, and the provider call is aborted', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const { err } = await execute(s.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    expect(err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await fakes.cheap.requests[0]!.closedEarly;
    // No other model was started after the deadline.
    expect(fakes.mid.requests).toHaveLength(0);
    // The server is free for the next call.
    const next = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(next.res!.message!.text).toBe(FAKE_TEXT);
  });

  it('ExecuteStream against a hanging upstream ends the same way', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    expect(r.err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(r.events.map((e) => e.event)).toEqual(['decision']);
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('through the router hop, the deadline reaches the executor and aborts the provider call', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const { err } = await execute(routerOnly.client, executeRequest('What is the capital of France?'), { deadlineMs: DEADLINE_MS });
    expect(err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });
});

describe('execute - executor.total_timeout_ms bounds a call whose client sets a longer deadline', () => {
  it.each([
    ['in one process', () => s],
    ['through the router hop', () => routerOnly],
  ])('Execute %s ends with DEADLINE_EXCEEDED from the server, not from the client deadline, and aborts the provider call', async (_where, server) => {
    fakes.cheap.script({ fault: 'hang' });
    const { err } = await execute(server().client, executeRequest('What is the capital of France?'), { deadlineMs: 10_000 });
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Sent by the server when total_timeout_ms passed, not raised by the client's own 10 s deadline.
    expect(err!.details).not.toMatch(CLIENT_DEADLINE_DETAILS);
    expect(err!.details).toMatch(/deadline|timeout/i);
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it.each([
    ['in one process', () => s],
    ['through the router hop', () => routerOnly],
  ])('ExecuteStream %s ends the same way', async (_where, server) => {
    fakes.cheap.script({ fault: 'hang' });
    const r = await executeStream(server().client, executeRequest('What is the capital of France?'), { deadlineMs: 10_000 });
    expect(r.err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(r.err!.details).not.toMatch(CLIENT_DEADLINE_DETAILS);
    await fakes.cheap.requests[0]!.closedEarly;
  });
});
