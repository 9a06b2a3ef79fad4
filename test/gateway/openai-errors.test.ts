import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => g?.close());
beforeEach(() => {
  g.fakes.reset();
  g.calls.openai = 0;
});

type ApiError = InstanceType<typeof OpenAI.APIError>;
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ApiError);
const user = (content: string) => [{ role: 'user' as const, content }];

describe('gateway - OpenAI errors through the official openai SDK', () => {
  it.each([
    ['a message with an unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role'],
    ['a non-integer max_tokens', { messages: user(ASK), max_tokens: 1.5 }, 'max_tokens'],
    ['an unsupported argument', { messages: user(ASK), logprobs: true }, 'logprobs'],
    ['a forced tool choice', { messages: user(ASK), tool_choice: 'required' }, 'tool_choice'],
    ['a bad tool name', { messages: user(ASK), tools: [{ type: 'function', function: { name: 'no spaces allowed' } }] }, 'tools[0].function.name'],
    ['a JSON schema that is not an object', { messages: user(ASK), response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'nope' } } }, 'response_format.json_schema.schema'],
    ['no user message', { messages: [{ role: 'system', content: 'be brief' }] }, 'messages'],
    ['an image that is not https or data', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] }, 'messages[0].content[0].image_url.url'],
  ])('%s is a 400 BadRequestError naming the field, and the SDK does not retry it', async (_what, body, param) => {
    const err = await failure(g.openai.chat.completions.create({ model: 'switchyard/auto', ...(body as object) } as never));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err!.param).toBe(param);
    expect(err!.type).toBe('invalid_request_error');
    expect(err!.message).toContain(param);
    expect(err!.headers?.get('x-should-retry')).toBe('false');
    expect(err!.headers?.get('x-request-id')).toBeTruthy();
    expect(g.calls.openai).toBe(1);
    expect(g.fakes.cheap.requests).toHaveLength(0);
  });

  it.each([
    ['an unknown catalog model', 'gpt-9'],
    ['an unknown policy', 'switchyard/nope'],
  ])('%s is a 404 NotFoundError with code model_not_found', async (_what, model) => {
    const err = await failure(g.openai.chat.completions.create({ model, messages: user(ASK) }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err!.code).toBe('model_not_found');
    expect(err!.param).toBe('model');
    expect(g.calls.openai).toBe(1);
  });

  it('a body that is not JSON is a 400', async () => {
    const res = await fetch(`${g.origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; type: string; param: null; code: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_json' });
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('an unknown path is a 404 and a wrong method a 405, both in OpenAI error shape', async () => {
    const a = await fetch(`${g.origin}/v1/completions`, { method: 'POST', body: '{}' });
    expect(a.status).toBe(404);
    expect(((await a.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
    const b = await fetch(`${g.origin}/v1/chat/completions`);
    expect(b.status).toBe(405);
  });

  it('a provider rejecting the deployment key on every model is a 502 the SDK does not retry', async () => {
    for (const f of g.fakes.all) f.script({ fault: 'auth' }, { fault: 'auth' });
    const err = await failure(g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK) }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err!.status).toBe(502);
    expect(err!.code).toBe('upstream_auth');
    expect(err!.headers?.get('x-should-retry')).toBe('false');
    expect(g.calls.openai).toBe(1);
  });

  it('a request no model can serve names the requested model', async () => {
    const big = 'x'.repeat(10);
    const err = await failure(g.openai.chat.completions.create({ model: 'cheap-openai', messages: user(big), max_completion_tokens: 200_000 }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err!.param).toBe('model');
    expect(err!.message).toMatch(/cheap-openai cannot serve this request/);
  });
  // Last: the rate limits it provokes hold for the retry-after the fake sends.
  it('upstream rate limits on every model are a 429 RateLimitError the SDK retries', async () => {
    for (const f of g.fakes.all) f.script(...Array.from({ length: 12 }, () => ({ fault: 'rate_limit' as const })));
    const err = await failure(g.openai.chat.completions.create({ model: 'switchyard/auto', messages: user(ASK) }, { maxRetries: 1 }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err!.code).toBe('rate_limit_exceeded');
    expect(err!.headers?.get('x-should-retry')).toBeNull();
    expect(g.calls.openai).toBe(2);
  });
});
