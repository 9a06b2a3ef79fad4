/**
 * A local stand-in for a model provider: an OpenAI-compatible HTTP server that answers
 * `POST /v1/chat/completions` (plain and streaming) and `GET /v1/models` with simulated
 * answers. `make run` points the executor at it when no provider key is set, so the whole
 * service works offline.
 *
 * It behaves like a real deployment where that matters to a router: answers take time (a
 * time to first token, then a steady rate of tokens per second, configurable per model),
 * usage is counted from the text (one token per four characters), `max_tokens` truncates
 * with finish_reason 'length', a JSON response format gets a valid JSON object (shaped by the
 * schema when one is given), tools get a tool call, a model's context window is enforced with
 * OpenAI's `context_length_exceeded` error, and a client that disconnects stops the work.
 * Answers are deterministic for a given request and say that they are simulated.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pairwiseVerdict } from './pairwise-verdict.js';
import type { ReplayPlayer } from './replay.js';
import { isRecord, numberOr, sampleSchema, type Json } from './sample-schema.js';

export interface SimulatedModel {
  id: string;
  ttftMs?: number;
  tokensPerSecond?: number;
  /** Prompt plus output tokens beyond which the request fails with context_length_exceeded. */
  contextWindow?: number;
}

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The models served; when absent any model name is accepted with the default timing. */
  models?: Array<string | SimulatedModel>;
  /** Default time to first token, ms. */
  ttftMs?: number;
  /** Default output rate. */
  tokensPerSecond?: number;
  /** How the simulator waits (time to first token, between tokens); a test may record and skip the waits. */
  sleep?: Sleep;
  /** Answers prompts of a routing data set with the outcomes it records (replay.ts). */
  replay?: ReplayPlayer;
}

/** Waits `ms`, or less when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface SimulatorStats {
  /** Chat completion requests under way. */
  active: number;
  /** Answered in full. */
  completed: number;
  /** Ended because the client went away before the answer was complete. */
  cancelled: number;
}

export interface Simulator {
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:4010/v1 */
  url: string;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

export const SIMULATOR_DEFAULTS = { host: '127.0.0.1', ttftMs: 250, tokensPerSecond: 80 } as const;
const CHARS_PER_TOKEN = 4;


interface SimulatedAnswer {
  model: string;
  id: string;
  text: string;
  toolCall?: { id: string; name: string; arguments: string };
  finishReason: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  completionTokens: number;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const defaults = {
    ttftMs: options.ttftMs ?? SIMULATOR_DEFAULTS.ttftMs,
    tokensPerSecond: options.tokensPerSecond ?? SIMULATOR_DEFAULTS.tokensPerSecond,
  };
  const sleep = options.sleep ?? timerSleep;
  const models = new Map<string, SimulatedModel>();
  for (const entry of options.models ?? []) {
    const model = typeof entry === 'string' ? { id: entry } : entry;
    models.set(model.id, model);
  }

  const stats: SimulatorStats = { active: 0, completed: 0, cancelled: 0 };
  const server = createServer((req, res) => {
    const cancel = new AbortController();
    const counted = req.method === 'POST';
    if (counted) stats.active++;
    res.on('close', () => {
      cancel.abort();
      if (!counted) return;
      stats.active--;
      if (res.writableFinished) stats.completed++;
      else stats.cancelled++;
    });
    route(req, res, cancel.signal).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'The simulator failed to answer.', 'server_error');
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/models' && req.method === 'GET') {
      const created = Math.floor(Date.now() / 1000);
      const data = [...models.keys()].map((id) => ({ id, object: 'model', created, owned_by: 'switchyard-simulator' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (path !== '/v1/chat/completions') return sendError(res, 404, `Unknown path ${path}.`, 'invalid_request_error', null, 'unknown_url');
    if (req.method !== 'POST') return sendError(res, 405, `Use POST for ${path}.`, 'invalid_request_error');

    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendError(res, 400, 'The request body is not valid JSON.', 'invalid_request_error');
    }
    if (!isRecord(body)) return sendError(res, 400, 'The request body must be a JSON object.', 'invalid_request_error');
    if (typeof body.model !== 'string' || body.model === '') {
      return sendError(res, 400, "Missing required parameter: 'model'.", 'invalid_request_error', 'model', 'missing_required_parameter');
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0 || !body.messages.every(isRecord)) {
      return sendError(res, 400, "'messages' must be a non-empty array of objects.", 'invalid_request_error', 'messages');
    }
    const model = models.get(body.model) ?? (models.size === 0 ? { id: body.model } : undefined);
    if (model === undefined) {
      return sendError(res, 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
    }
    const plan = simulateAnswer(body, model.id, options.replay);
    const maxTokens = numberOr(body.max_completion_tokens, numberOr(body.max_tokens, 0));
    if (model.contextWindow !== undefined && plan.promptTokens + maxTokens > model.contextWindow) {
      return sendError(
        res,
        400,
        `This model's maximum context length is ${model.contextWindow} tokens. However, you requested ${plan.promptTokens + maxTokens} tokens (${plan.promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      );
    }
    const timing = {
      ttftMs: model.ttftMs ?? defaults.ttftMs,
      msPerToken: 1000 / Math.max(1e-3, model.tokensPerSecond ?? defaults.tokensPerSecond),
    };
    if (body.stream === true) {
      const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
      return streamAnswer(res, plan, timing, includeUsage, signal, sleep);
    }
    await sleep(timing.ttftMs + plan.completionTokens * timing.msPerToken, signal);
    if (signal.aborted) return;
    sendJson(res, 200, completionBody(plan));
  }

  const host = options.host ?? SIMULATOR_DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The answer
// ---------------------------------------------------------------------------------------------

function simulateAnswer(body: Json, model: string, replay: ReplayPlayer | undefined): SimulatedAnswer {
  const messages = body.messages as Json[];
  const promptText = messages.map((m) => textOf(m.content) + JSON.stringify(m.tool_calls ?? '')).join('\n');
  const toolsText = body.tools === undefined ? '' : JSON.stringify(body.tools);
  const digest = createHash('sha256').update(model).update(JSON.stringify(body.messages)).digest('hex');
  const promptTokens = tokens(promptText + toolsText);
  const base = { model, id: `chatcmpl-sim${digest.slice(0, 24)}`, promptTokens };

  const tool = chooseTool(body, messages);
  if (tool !== undefined) {
    const args = JSON.stringify(sampleSchema(tool.parameters, tool.name, 0));
    return { ...base, text: '', toolCall: { id: `call_sim${digest.slice(24, 48)}`, ...tool, arguments: args }, finishReason: 'tool_calls', completionTokens: tokens(tool.name + args) };
  }

  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastText = textOf(lastUser?.content);
  // A speculative verifier's review: accept about three drafts in four, decided by the digest,
  // so that both outcomes of draft-and-verify happen in simulation.
  if (/reply with exactly ACCEPT/.test(lastText) && parseInt(digest.slice(0, 2), 16) < 192) {
    return { ...base, text: 'ACCEPT', finishReason: 'stop', completionTokens: 1 };
  }
  const verdict = pairwiseVerdict(lastText);
  if (verdict !== undefined) return { ...base, text: verdict, finishReason: 'stop', completionTokens: tokens(verdict) };
  if (replay !== undefined) {
    const graded = model === replay.judge ? replay.grade(lastText) : undefined;
    if (graded !== undefined) return { ...base, text: graded, finishReason: 'stop', completionTokens: tokens(graded) };
    const replayed = replay.answer(model, lastText);
    if (replayed !== undefined) return { ...base, text: replayed.text, finishReason: 'stop', completionTokens: replayed.completionTokens };
  }
  const words = lastText.split(/\s+/).filter(Boolean).length;
  const prose =
    `This is a simulated answer from ${model}, produced by the Switchyard simulator; no real model was called. ` +
    `Your last message had ${words} word${words === 1 ? '' : 's'} (request digest ${digest.slice(0, 8)}).`;
  const format = isRecord(body.response_format) ? body.response_format : undefined;
  let text = prose;
  if (format?.type === 'json_object') text = JSON.stringify({ simulated: true, model, answer: prose });
  if (format?.type === 'json_schema' && isRecord(format.json_schema)) {
    const schema = format.json_schema.schema;
    const value = isRecord(schema) ? sampleSchema(schema, 'answer', 0) : { simulated: true, answer: prose };
    text = JSON.stringify(isRecord(value) ? value : { value });
  }
  const max = numberOr(body.max_completion_tokens, numberOr(body.max_tokens, Infinity));
  if (tokens(text) > max) {
    return { ...base, text: text.slice(0, Math.max(0, max) * CHARS_PER_TOKEN), finishReason: 'length', completionTokens: Math.max(0, max) };
  }
  return { ...base, text, finishReason: 'stop', completionTokens: tokens(text) };
}

/** A tool call when tools are offered and the conversation awaits one (the last message is the user's). */
function chooseTool(body: Json, messages: Json[]): { name: string; parameters: Json } | undefined {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord).map((t) => (isRecord(t.function) ? t.function : {})) : [];
  const choice = body.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return undefined;
  const named = isRecord(choice) && isRecord(choice.function) ? choice.function.name : undefined;
  if (choice === 'auto' && messages.at(-1)?.role !== 'user') return undefined;
  const fn = tools.find((t) => t.name === named) ?? tools[0];
  if (fn === undefined || typeof fn.name !== 'string') return undefined;
  return { name: fn.name, parameters: isRecord(fn.parameters) ? fn.parameters : { type: 'object' } };
}


function completionBody(plan: SimulatedAnswer): Json {
  const message: Json = { role: 'assistant', content: plan.toolCall === undefined ? plan.text : null, refusal: null };
  if (plan.toolCall !== undefined) {
    message.tool_calls = [{ id: plan.toolCall.id, type: 'function', function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments } }];
  }
  return {
    ...envelope(plan, 'chat.completion'),
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageOf(plan),
  };
}

async function streamAnswer(
  res: ServerResponse,
  plan: SimulatedAnswer,
  timing: { ttftMs: number; msPerToken: number },
  includeUsage: boolean,
  signal: AbortSignal,
  sleep: Sleep,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const send = (chunk: Json | '[DONE]'): void => {
    if (!signal.aborted) res.write(`data: ${chunk === '[DONE]' ? chunk : JSON.stringify(chunk)}\n\n`);
  };
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    ...envelope(plan, 'chat.completion.chunk'),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });

  await sleep(timing.ttftMs, signal);
  const call = plan.toolCall;
  send(chunk(call === undefined ? { role: 'assistant', content: '' } : {
    role: 'assistant',
    content: null,
    tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
  }));
  const pieces = splitTokens(call === undefined ? plan.text : call.arguments);
  // Several tokens per write when the rate is faster than a timer can tick.
  const perWrite = Math.max(1, Math.ceil(4 / timing.msPerToken));
  for (let i = 0; i < pieces.length && !signal.aborted; i += perWrite) {
    await sleep(timing.msPerToken * perWrite, signal);
    const text = pieces.slice(i, i + perWrite).join('');
    send(chunk(call === undefined ? { content: text } : { tool_calls: [{ index: 0, function: { arguments: text } }] }));
  }
  if (signal.aborted) return;
  send(chunk({}, plan.finishReason));
  if (includeUsage) send({ ...envelope(plan, 'chat.completion.chunk'), choices: [], usage: usageOf(plan) });
  send('[DONE]');
  res.end();
}

function envelope(plan: SimulatedAnswer, object: string): Json {
  return { id: plan.id, object, created: Math.floor(Date.now() / 1000), model: plan.model, system_fingerprint: 'fp_switchyard_sim' };
}

function usageOf(plan: SimulatedAnswer): Json {
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

function splitTokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHARS_PER_TOKEN) out.push(text.slice(i, i + CHARS_PER_TOKEN));
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join(' ');
}

function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  sendJson(res, status, { error: { message, type, param, code } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
