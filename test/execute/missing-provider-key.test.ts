import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decide,
  executeConfig,
  executeRequest,
  execute,
  FAKE_KEYS,
  invoke,
  listModels,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  // No OPENAI_API_KEY, and no simulator to stand in for the model.
  const { OPENAI_API_KEY: _, ...env } = FAKE_KEYS;
  s = await startExecuteServer(executeConfig(standardModels(fakes), { executor: { simulate_without_credentials: false } }), { env });
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});

describe('execute - a model whose provider key is missing', () => {
  it('Decide and ListModels show it unavailable, naming the variable', async () => {
    const { res } = await decide(s.client, executeRequest('What is the capital of France?'));
    const c = res!.candidates.find((x) => x.model === 'cheap-openai')!;
    expect(c.eligible).toBe(false);
    expect(c.excludedReason).toBe('unavailable: no credentials: set OPENAI_API_KEY');
    expect(res!.model).toBe('mid-anthropic');
    const m = (await listModels(s.client)).res!.models.find((x) => x.id === 'cheap-openai')!;
    expect(m.available).toBe(false);
    expect(m.unavailableReason).toContain('OPENAI_API_KEY');
  });

  it('Execute answers from another model without calling it', async () => {
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('mid-anthropic');
    expect(res!.attempts.map((a) => a.model)).toEqual(['mid-anthropic']);
    expect(fakes.cheap.requests).toHaveLength(0);
  });

  it('Execute restricted to it answers FAILED_PRECONDITION naming the variable', async () => {
    const { err } = await execute(s.client, executeRequest('What is the capital of France?', { requirements: { allowModels: ['cheap-openai'] } }));
    expect(err!.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err!.details).toContain('cheap-openai: unavailable: no credentials: set OPENAI_API_KEY');
    expect(fakes.cheap.requests).toHaveLength(0);
  });

  it('Invoke of it answers FAILED_PRECONDITION naming the variable', async () => {
    const { err, res } = await invoke(s.executorClient, {
      model: 'cheap-openai',
      messages: [{ role: 'ROLE_USER', content: [{ text: 'What is the capital of France?' }] }],
      step: 'primary',
    });
    expect(res).toBeUndefined();
    expect(err!.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err!.details).toContain('OPENAI_API_KEY');
    expect(err!.details).toContain('cheap-openai');
    expect(fakes.cheap.requests).toHaveLength(0);
  });

  it('Invoke of a model with its key answers', async () => {
    const { err, res } = await invoke(s.executorClient, {
      model: 'mid-anthropic',
      messages: [{ role: 'ROLE_USER', content: [{ text: 'What is the capital of France?' }] }],
    });
    expect(err).toBeNull();
    expect(res!.error).toBeNull();
    expect(res!.deployment).toBe('d1');
    expect(res!.message!.text).toBe('The capital of France is Paris.');
  });

  it('InvokeStream of it ends with FAILED_PRECONDITION naming the variable', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve, reject) => {
      const call = s.executorClient.invokeStream(
        { request: { model: 'cheap-openai', messages: [{ role: 'ROLE_USER', content: [{ text: 'What is the capital of France?' }] }] } },
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
      );
      call.on('data', () => reject(new Error('no event was expected')));
      call.on('error', resolve);
    });
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toContain('OPENAI_API_KEY');
    expect(fakes.cheap.requests).toHaveLength(0);
  });

  it('Invoke of a model the catalog does not have answers INVALID_ARGUMENT naming the field', async () => {
    const { err } = await invoke(s.executorClient, { model: 'no-such-model', messages: [{ role: 'ROLE_USER', content: [{ text: 'Hi' }] }] });
    expect(err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err!.details).toMatch(/^model: unknown model "no-such-model"/);
  });
});
