import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  executeStream,
  PRICES,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  waitFor,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;
let executorOnly: ExecuteServer;
let routerOnly: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(
    executeConfig(
      [
        ...standardModels(fakes),
        // No key and simulation on: served by the server's simulator, slowly (10 tokens/s).
        { id: 'sim-slow', provider: 'openai', urls: ['https://api.openai.com/v1'], apiKeyEnv: 'SIM_ONLY_KEY', prices: { ...PRICES.top }, quality: 0.5, ttftMs: 50, outputTokensPerSecond: 10 },
      ],
      { executor: { simulate_without_credentials: true } },
    ),
  );
  const config = executeConfig(standardModels(fakes));
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

describe('execute - a client that cancels ExecuteStream mid-answer', () => {
  it('makes the provider see its connection closed before the answer was complete', async () => {
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 200 });
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'), {
      onEvent: (e) => (e.event === 'textDelta' ? 'cancel' : undefined),
    });
    expect(r.err!.code).toBe(grpc.status.CANCELLED);
    expect(r.events.filter((e) => e.event === 'textDelta')).toHaveLength(1);
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('makes the simulator count the answer as cancelled', async () => {
    const before = s.server.simulator!.stats();
    const r = await executeStream(s.client, executeRequest('Tell me a story.', { requirements: { allowModels: ['sim-slow'] } }), {
      onEvent: (e) => (e.event === 'textDelta' ? 'cancel' : undefined),
    });
    expect(r.err!.code).toBe(grpc.status.CANCELLED);
    expect(r.events[0]!.decision!.model).toBe('sim-slow');
    await waitFor(() => s.server.simulator!.stats().cancelled === before.cancelled + 1, 'the simulator to see the cancel', 3_000);
    const after = s.server.simulator!.stats();
    expect(after.completed).toBe(before.completed);
    expect(after.active).toBe(0);
  });

  it('through the router hop, the cancel reaches the executor and the provider connection is closed', async () => {
    fakes.cheap.script({ reply: 'text', chunkDelayMs: 200 });
    const r = await executeStream(routerOnly.client, executeRequest('What is the capital of France?'), {
      onEvent: (e) => (e.event === 'textDelta' ? 'cancel' : undefined),
    });
    expect(r.err!.code).toBe(grpc.status.CANCELLED);
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });

  it('a cancelled unary Execute closes the provider connection too', async () => {
    fakes.cheap.script({ fault: 'hang' });
    const call = s.client.execute(executeRequest('What is the capital of France?'), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, () => {});
    await waitFor(() => fakes.cheap.requests.length === 1, 'the provider call to start');
    call.cancel();
    await fakes.cheap.requests[0]!.closedEarly;
    expect(fakes.mid.requests).toHaveLength(0);
  });
});
