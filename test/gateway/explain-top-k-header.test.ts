import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../services/router/decide/decide.js';
import { standardModels } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => g?.close());
beforeEach(() => g.fakes.reset());

/** The decisions the server's Decider makes while `f` runs. */
async function decisionsOf(f: () => Promise<unknown>): Promise<Decision[]> {
  const spy = vi.spyOn(g.s.server.decider!, 'decide');
  try {
    await f();
    return spy.mock.results.map((r) => r.value as Decision);
  } finally {
    spy.mockRestore();
  }
}

const ask = (headers: Record<string, string> = {}) =>
  fetch(`${g.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'switchyard/auto', messages: [{ role: 'user', content: ASK }] }),
  });

describe('gateway - x-switchyard-explain-top-k', () => {
  it('without the header, the decision explains as many rows as over gRPC (every model of a small catalog)', async () => {
    const [d] = await decisionsOf(async () => expect((await ask()).status).toBe(200));
    const catalogSize = standardModels(g.fakes).length;
    expect(catalogSize).toBeGreaterThan(1);
    expect(d!.response.candidates).toHaveLength(catalogSize);
  });

  it('sets how many candidate rows the decision explains', async () => {
    const [d] = await decisionsOf(async () => expect((await ask({ 'x-switchyard-explain-top-k': '1' })).status).toBe(200));
    expect(d!.response.candidates).toHaveLength(1);
    expect(d!.response.candidates![0]!.model).toBe(d!.response.model);
  });

  it('with no row explained, the estimated cost header still gives the answering model’s cost', async () => {
    let response: Response | undefined;
    const [d] = await decisionsOf(async () => {
      response = await ask({ 'x-switchyard-explain-top-k': '0' });
    });
    expect(response!.status).toBe(200);
    expect(d!.response.candidates).toEqual([]);
    const model = response!.headers.get('x-switchyard-model')!;
    expect(Number(response!.headers.get('x-switchyard-estimated-cost-usd'))).toBeGreaterThan(0);
    expect(Number(response!.headers.get('x-switchyard-estimated-cost-usd'))).toBeCloseTo(d!.plannedCostUsd.get(model)!, 8);
  });

  it('refuses a value that is not a whole number 0 or more, naming the header', async () => {
    for (const bad of ['-1', 'all', '2.5', '']) {
      const r = await ask({ 'x-switchyard-explain-top-k': bad });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: { param: string; message: string } };
      expect(body.error.param).toBe('x-switchyard-explain-top-k');
      expect(body.error.message).toContain('whole number');
    }
    expect(g.fakes.all.flatMap((f) => f.requests)).toEqual([]);
  });
});
