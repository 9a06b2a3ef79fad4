/**
 * ExecuteResponse says which model version answered: the provider's own model id and, where
 * the provider gives one (OpenAI's system_fingerprint), its fingerprint; plain and streamed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executeConfig, executeRequest, execute, executeStream, standardModels, startExecuteServer, startStandardFakes, type ExecuteServer, type StandardFakes } from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

describe('execute - reports the provider model and fingerprint', () => {
  it('OpenAI: the dated model id and the system fingerprint, plain and streamed', async () => {
    const { err, res } = await execute(s.client, executeRequest('hello', { requirements: { allowModels: ['cheap-openai'] } }));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
    expect(res!.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(res!.systemFingerprint).toBe('fp_560af6e559');
    const streamed = await executeStream(s.client, executeRequest('hello', { requirements: { allowModels: ['cheap-openai'] } }));
    expect(streamed.err).toBeNull();
    expect(streamed.done!.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(streamed.done!.systemFingerprint).toBe('fp_560af6e559');
  });

  it('Anthropic: the dated model id, and no fingerprint (the API sends none)', async () => {
    const { err, res } = await execute(s.client, executeRequest('hello', { requirements: { allowModels: ['mid-anthropic'] } }));
    expect(err).toBeNull();
    expect(res!.responseModel).toBe('claude-sonnet-4-5-20250929');
    expect(res!.systemFingerprint).toBe('');
  });
});
