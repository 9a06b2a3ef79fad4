import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { executeConfig, executeRequest, execute, executeStream, startExecuteServer, waitFor, type ExecuteServer } from '../support/execute-fixture.js';

let s: ExecuteServer;

beforeAll(async () => {
  // One model, served by the simulator with a one-second time to first token.
  s = await startExecuteServer(
    executeConfig(
      [{ id: 'sim-slow', provider: 'openai', urls: ['https://api.openai.com/v1'], prices: { input: 1, output: 2 }, quality: 0.6, ttftMs: 1_000, outputTokensPerSecond: 400 }],
      { executor: { simulate_without_credentials: true, attempt_timeout_ms: 5_000, ttft_timeout_ms: 5_000 }, server: { shutdown_grace_ms: 5_000 } },
    ),
    { env: {} },
  );
});
afterAll(async () => {
  await s?.close();
});

describe('execute - graceful shutdown drains calls in flight', () => {
  it('an Execute and an ExecuteStream in flight complete after shutdown() while new calls are refused', async () => {
    const unary = execute(s.client, executeRequest('What is the capital of France?'));
    const stream = executeStream(s.client, executeRequest('Name a prime number.'));
    await waitFor(() => s.server.simulator!.stats().active === 2, 'both calls to reach the upstream');

    const order: string[] = [];
    const stopped = s.server.shutdown(10_000).then(() => order.push('stopped'));
    void unary.then(() => order.push('unary answered'));
    void stream.then(() => order.push('stream answered'));
    await new Promise((r) => setTimeout(r, 50));

    // A new call, on a fresh connection and on the existing one, is refused while the others drain.
    const fresh = routerClient(s.server.address);
    const refusedFresh = await execute(fresh, executeRequest('Hello?'), { deadlineMs: 2_000 });
    fresh.close();
    expect(refusedFresh.err!.code).toBe(grpc.status.UNAVAILABLE);
    const refusedSame = await execute(s.client, executeRequest('Hello again?'), { deadlineMs: 2_000 });
    expect(refusedSame.err!.code).toBe(grpc.status.UNAVAILABLE);

    const [u, st] = await Promise.all([unary, stream]);
    expect(u.err).toBeNull();
    expect(u.res!.model).toBe('sim-slow');
    expect(u.res!.message!.text).toContain('simulated answer');
    expect(st.err).toBeNull();
    expect(st.done!.message!.text).toBe(st.text);
    expect(st.text).toContain('simulated answer');

    await stopped;
    // The server stopped once both calls had been answered in full (not cancelled at the grace period).
    expect(order.at(-1)).toBe('stopped');
    expect(order.slice(0, 2).sort()).toEqual(['stream answered', 'unary answered']);
  });
});
