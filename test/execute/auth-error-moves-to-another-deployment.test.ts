import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicFake, type AnthropicFake } from '../fakes/anthropic-fake.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { decideRequest } from '../support/requests.js';
import { executeConfig, FAKE_KEYS, FAKE_TEXT, PRICES, inProcessEngine, type InProcessEngine } from '../support/execute-fixture.js';

// The executor orders equally idle deployments at random; a constant random source keeps the
// configured order (d1, then d2), so the test knows which deployment is called first.
let d1: OpenAIFake;
let d2: OpenAIFake;
let other: AnthropicFake;
let x: InProcessEngine;

beforeAll(async () => {
  [d1, d2, other] = await Promise.all([startOpenAIFake({ apiKey: FAKE_KEYS.OPENAI_API_KEY }), startOpenAIFake({ apiKey: FAKE_KEYS.OPENAI_API_KEY }), startAnthropicFake()]);
  x = await inProcessEngine(
    executeConfig([
      { id: 'twin-openai', provider: 'openai', urls: [d1.url, d2.url], prices: { ...PRICES.cheap }, quality: 0.6 },
      { id: 'mid-anthropic', provider: 'anthropic', urls: [other.url], prices: { ...PRICES.mid }, quality: 0.7 },
    ]),
    { random: () => 0.5 },
  );
});
afterAll(async () => {
  x?.close();
  await Promise.all([d1?.close(), d2?.close(), other?.close()]);
});
beforeEach(() => [d1, d2, other].forEach((f) => f.reset()));

describe('execute - a 401 on one deployment moves to the model other deployment first', () => {
  it('Execute: d1 answers 401, d2 of the same model answers, no other model is asked', async () => {
    d1.script({ fault: 'auth' });
    const r = await x.engine.execute(decideRequest('What is the capital of France?'), new AbortController().signal);
    expect(r.model).toBe('twin-openai');
    expect(r.message.text).toBe(FAKE_TEXT);
    expect(r.attempts.map((a) => [a.model, a.deployment, a.step, a.outcome])).toEqual([
      ['twin-openai', 'd1', 'primary', 'fatal_error'],
      ['twin-openai', 'd2', 'primary', 'success'],
    ]);
    expect(r.attempts[0]!.error).toContain('401');
    // The key in the error is the provider's redacted echo, never ours.
    expect(r.attempts[0]!.error).not.toContain(FAKE_KEYS.OPENAI_API_KEY);
    expect(d1.requests).toHaveLength(1);
    expect(d2.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('ExecuteStream: the same, before the first token', async () => {
    d1.script({ fault: 'auth' });
    const events = [];
    for await (const ev of x.engine.executeStream(decideRequest('What is the capital of France?'), new AbortController().signal)) events.push(ev);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('')).toBe(FAKE_TEXT);
    expect(done.result.model).toBe('twin-openai');
    expect(done.result.attempts.map((a) => [a.deployment, a.outcome])).toEqual([
      ['d1', 'fatal_error'],
      ['d2', 'success'],
    ]);
    expect(other.requests).toHaveLength(0);
  });

  it('when both deployments answer 401 the next model answers', async () => {
    d1.script({ fault: 'auth' });
    d2.script({ fault: 'auth' });
    const r = await x.engine.execute(decideRequest('What is the capital of France?'), new AbortController().signal);
    expect(r.model).toBe('mid-anthropic');
    expect(r.attempts.map((a) => [a.model, a.deployment, a.outcome])).toEqual([
      ['twin-openai', 'd1', 'fatal_error'],
      ['twin-openai', 'd2', 'fatal_error'],
      ['mid-anthropic', 'd1', 'success'],
    ]);
  });
});
