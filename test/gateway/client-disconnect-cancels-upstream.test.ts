import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/execute-fixture.js';
import { ASK, startGateway, type GatewayFixture } from './support.js';

let g: GatewayFixture;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => g?.close());
beforeEach(() => g.fakes.reset());

describe('gateway - a client that goes away cancels the upstream call', () => {
  it('an OpenAI stream the client stops reading after its first text closes the provider connection', async () => {
    g.fakes.cheap.script({ reply: 'text', chunkDelayMs: 200 });
    const stream = await g.openai.chat.completions.create({ model: 'switchyard/auto', messages: [{ role: 'user', content: ASK }], stream: true });
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      if (c.choices[0]?.delta.content) break;
    }
    await g.fakes.cheap.requests[0]!.closedEarly;
    expect(chunks).toBeLessThan(4);
    expect(g.fakes.mid.requests).toHaveLength(0);
  });

  it('an aborted OpenAI request waiting for a plain answer closes the provider connection', async () => {
    g.fakes.cheap.script({ fault: 'hang' });
    const ctrl = new AbortController();
    const pending = g.openai.chat.completions.create({ model: 'switchyard/auto', messages: [{ role: 'user', content: ASK }] }, { signal: ctrl.signal }).catch((e: unknown) => e);
    await waitFor(() => g.fakes.cheap.requests.length === 1, 'the provider call to start');
    ctrl.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await g.fakes.cheap.requests[0]!.closedEarly;
    expect(g.fakes.mid.requests).toHaveLength(0);
  });

  it('an Anthropic stream aborted mid-answer closes the provider connection', async () => {
    g.fakes.mid.script({ reply: 'text', chunkDelayMs: 200 });
    const stream = g.anthropic.messages.stream({ model: 'mid-anthropic', max_tokens: 100, messages: [{ role: 'user', content: ASK }] });
    const ended = stream.done().catch((e: unknown) => e);
    stream.on('error', () => {});
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    stream.abort();
    await g.fakes.mid.requests[0]!.closedEarly;
    expect(await ended).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(g.fakes.cheap.requests).toHaveLength(0);
  });
});
