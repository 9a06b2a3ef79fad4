import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, executeRequest, startExecuteServer, type ExecuteServer } from '../support/execute-fixture.js';
import { defaultConfigObject } from '../support/router-fixture.js';

let s: ExecuteServer;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-replay-'));
const PROMPT = 'Replay me: what is 2 + 2?';

beforeAll(async () => {
  const outcome = (quality: number) => ({ quality, input_tokens: 10, output_tokens: 42, cost_usd: 0.001 });
  writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'p1', prompt: PROMPT, segment: 'math', outcomes: { 'data-model': outcome(0.8) } })}\n`);
  const config = defaultConfigObject();
  const pinned = 'gpt-5-mini';
  config.executor = { ...config.executor, simulate_without_credentials: true, simulator_replay: { data: [join(dir, 'data.jsonl')], models: { [pinned]: 'data-model' } } };
  config.rules = [{ name: 'replay-pin', match: {}, action: { pin: pinned } }];
  s = await startExecuteServer(config, { env: {} });
});
afterAll(() => s?.close());

describe('simulator replay - configured on a running server', () => {
  it('a simulated catalog model answers a prompt of the data with the recorded outcome', async () => {
    const { err, res } = await execute(s.client, executeRequest(PROMPT));
    expect(err).toBeNull();
    expect(res!.model).toBe('gpt-5-mini');
    expect(res!.message!.text).toBe('Replayed answer of gpt-5-mini to p1 (math). [replay-quality: 0.800]');
    expect(res!.usage!.outputTokens).toBe(42);
  });
});
