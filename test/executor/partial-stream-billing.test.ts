import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeEvent, InvokeInput } from '../../services/shared/contracts/invoke.js';
import { estimateInvokeTokens } from '../../services/shared/contracts/estimate-tokens.js';
import { executeConfig, inProcessEngine, PRICES, standardModels, startStandardFakes, type InProcessEngine, type StandardFakes } from '../support/execute-fixture.js';

let fakes: StandardFakes;
let e: InProcessEngine;

beforeAll(async () => {
  fakes = await startStandardFakes();
  e = await inProcessEngine(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  e?.close();
  await fakes?.close();
});

const PROMPT = 'Write three sentences about the harbour at dawn, for a travel page.';
const input = (): InvokeInput => ({
  model: 'cheap-openai',
  request: { messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }], maxOutputTokens: 300 },
  allowedRegions: [],
  decisionId: 'd-partial',
  step: 'primary',
});

async function run(): Promise<{ text: string; last: InvokeEvent }> {
  let text = '';
  let last: InvokeEvent | undefined;
  for await (const ev of e.executor.invokeStream(input(), new AbortController().signal)) {
    if (ev.type === 'text-delta') text += ev.text;
    last = ev;
  }
  return { text, last: last! };
}

describe('executor - a stream cut off after output began is billed', () => {
  it.each(['stream_truncated', 'stream_error'] as const)('%s: the attempt is charged the prompt and the output received, and the failure carries that cost', async (fault) => {
    fakes.reset();
    fakes.cheap.script({ fault });
    const { text, last } = await run();
    expect(text.length).toBeGreaterThan(0);
    expect(last.type).toBe('error');
    if (last.type !== 'error') return;
    expect(last.partial).toBe(true);
    const [attempt] = last.outcome.attempts;
    const inputTokens = estimateInvokeTokens({ ...input().request, maxOutputTokens: 0 });
    const outputTokens = Math.ceil(text.length / 4);
    expect(attempt!.usage).toEqual({ inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0 });
    const cost = (inputTokens * PRICES.cheap.input + outputTokens * PRICES.cheap.output) / 1e6;
    expect(attempt!.costUsd).toBeCloseTo(cost, 12);
    expect(attempt!.error).toMatch(/partial.*billed as estimated/);
    expect(last.outcome.costUsd).toBeCloseTo(cost, 12);
    expect(last.outcome.usage.outputTokens).toBe(outputTokens);
  });

  it('a stream that fails before any output bills nothing for that attempt', async () => {
    fakes.reset();
    fakes.cheap.script({ status: 400, body: { error: { message: 'Invalid max_tokens.', type: 'invalid_request_error', param: 'max_tokens', code: null } } });
    const { last } = await run();
    expect(last.type).toBe('error');
    if (last.type !== 'error') return;
    expect(last.partial).toBe(false);
    expect(last.outcome.attempts.map((a) => a.costUsd)).toEqual([0]);
    expect(last.outcome.costUsd).toBe(0);
  });
});
