/**
 * A minimal OpenAI-compatible upstream for the Execute benchmark: `POST /v1/chat/completions`
 * answers, after a fixed delay, with the same short completion every time (plain JSON, or
 * one SSE chunk, a usage chunk and `[DONE]` when `stream` is true). It does as little work as
 * a server can, so that what the benchmark sees beyond the delay is the caller's own cost. It
 * remembers the last request body, so the benchmark can send the same body directly, and
 * counts the requests it answered, so the benchmark can divide a server's CPU time by them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixedDelayUpstream {
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:4010/v1 */
  url: string;
  /** The body of the last chat completion request, as received. */
  lastBody(): string;
  /** Chat completion requests answered so far (with a completion or an injected failure). */
  served(): number;
  close(): Promise<void>;
}

const CONTENT = 'A fixed answer from the benchmark upstream.';

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: CONTENT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33, prompt_tokens_details: { cached_tokens: 0 } },
  });
}

function streamed(model: string): string {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const events = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: CONTENT }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { ...base, choices: [], usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 } },
  ];
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
}

/**
 * `failureRate` (0..1): that share of requests, drawn at random, is answered 503 with an
 * OpenAI-style error body (the soak benchmark's injected upstream failures).
 */
export async function startFixedDelayUpstream(delayMs: number, host = '127.0.0.1', failureRate = 0): Promise<FixedDelayUpstream> {
  let last = '';
  let served = 0;
  const answer = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    served++;
    if (failureRate > 0 && Math.random() < failureRate) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"injected failure","type":"server_error"}}');
      return;
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    last = body;
    let parsed: { model?: unknown; stream?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}');
      return;
    }
    const model = typeof parsed.model === 'string' ? parsed.model : 'bench';
    if (parsed.stream === true) res.writeHead(200, { 'content-type': 'text/event-stream' }).end(streamed(model));
    else res.writeHead(200, { 'content-type': 'application/json' }).end(completion(model));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (delayMs > 0) setTimeout(() => answer(req, res, body), delayMs);
      else answer(req, res, body);
    });
  });
  // Keep-alive connections stay open for the whole run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/v1`,
    lastBody: () => last,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
