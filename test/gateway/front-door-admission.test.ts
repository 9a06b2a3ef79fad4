/**
 * server.http_max_in_flight: past the bound the HTTP front door answers 503 with Retry-After, in
 * the wire format's own error shape, naming the key, before any provider is called; the status
 * page still answers; a request that ends frees its place. The upstreams hold their answers, so
 * the admitted requests stay in flight until the test aborts them; everything is counted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { defaultConfigObject } from '../support/router-fixture.js';
import { waitFor } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

const LIMIT = 2;
let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway({
    server: { http_max_in_flight: LIMIT },
    executor: { attempt_timeout_ms: 120_000, ttft_timeout_ms: 120_000, total_timeout_ms: 120_000, retry_attempts: 1 },
  });
});
afterAll(async () => g?.close());
beforeEach(() => g.fakes.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${g.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
const chat = { model: 'switchyard/auto', messages: [{ role: 'user', content: ASK }] };
const messages = { model: 'mid-anthropic', max_tokens: 100, messages: [{ role: 'user', content: ASK }] };
const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };

describe('server.http_max_in_flight', () => {
  it('answers requests past the bound 503 with Retry-After in each wire shape, naming the key, and admits again once requests end', async () => {
    const admission = g.s.server.httpAdmission!;
    g.fakes.cheap.script({ fault: 'hang' });
    g.fakes.mid.script({ fault: 'hang' });
    const ctrl = new AbortController();
    const held = [post('/v1/chat/completions', chat, {}, ctrl.signal).catch((e: unknown) => e), post('/v1/messages', messages, ANTHROPIC_HEADERS, ctrl.signal).catch((e: unknown) => e)];
    await waitFor(() => g.fakes.cheap.requests.length === 1 && g.fakes.mid.requests.length === 1, 'the held requests to reach the upstreams');
    expect(admission.inFlight).toBe(LIMIT);

    const openai = await post('/v1/chat/completions', chat);
    expect(openai.status).toBe(503);
    expect(openai.headers.get('retry-after')).toBe('1');
    expect(openai.headers.get('x-should-retry')).toBeNull();
    const openaiBody = (await openai.json()) as { error: { type: string; code: string; message: string } };
    expect(openaiBody.error.code).toBe('server_busy');
    expect(openaiBody.error.type).toBe('server_error');
    expect(openaiBody.error.message).toContain(`${LIMIT} requests already in flight`);
    expect(openaiBody.error.message).toContain('server.http_max_in_flight');

    const anthropic = await post('/v1/messages', messages, ANTHROPIC_HEADERS);
    expect(anthropic.status).toBe(503);
    expect(anthropic.headers.get('retry-after')).toBe('1');
    const anthropicBody = (await anthropic.json()) as { type: string; error: { type: string; message: string } };
    expect(anthropicBody.type).toBe('error');
    expect(anthropicBody.error.type).toBe('overloaded_error');
    expect(anthropicBody.error.message).toContain('server.http_max_in_flight');

    // The status page answers from memory: it is not bounded.
    const status = await fetch(`${g.origin}/status.json`);
    expect(status.status).toBe(200);
    await status.arrayBuffer();

    expect(admission.rejected).toBe(2);
    expect(g.fakes.cheap.requests).toHaveLength(1);
    expect(g.fakes.mid.requests).toHaveLength(1);

    ctrl.abort();
    await Promise.all(held);
    await waitFor(() => admission.inFlight === 0, 'the aborted requests to free their places');
    const after = await post('/v1/chat/completions', chat);
    expect(after.status).toBe(200);
    await after.json();
    expect(admission.inFlight).toBe(0);
    expect(admission.rejected).toBe(2);
  });

  it('is a positive whole number, and an error names the key', () => {
    const withServer = (server: Record<string, unknown>) => stringify({ ...defaultConfigObject(), server });
    expect(parseConfig(withServer({}), 'test.yaml').server.http_max_in_flight).toBe(512);
    expect(() => parseConfig(withServer({ http_max_in_flight: 0 }), 'test.yaml')).toThrow(/server\.http_max_in_flight/);
  });
});
