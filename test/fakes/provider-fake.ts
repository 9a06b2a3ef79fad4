/**
 * The part of a local provider server that does not depend on the provider: the HTTP server,
 * recording each request with its problems and whether the client closed it early, the script
 * of steps, and the faults (hang, reset, malformed JSON, cut streams, error events, error
 * statuses). Each provider fake configures it with its paths, request checks, fixtures, headers,
 * error bodies and SSE framing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { FakeFault, FakeReply, FakeStep, ProviderFake, RecordedRequest } from './fake-contract.js';

/**
 * A stream cut at a chosen point: the first `afterChunks` recorded chunks of the text stream,
 * then the end of the body ('stream_truncated') or the provider's error event
 * ('stream_error'). A request that asked for no stream gets a cut JSON body.
 */
export interface StreamCut {
  streamCut: 'stream_truncated' | 'stream_error';
  afterChunks: number;
}

export type ProviderFakeStep = FakeStep | StreamCut;

/** The faults answered with an error status and body. */
export type ErrorFault = Exclude<FakeFault, 'hang' | 'reset' | 'malformed_json' | 'stream_truncated' | 'stream_error'>;

export interface ErrorReply {
  status: number;
  /** A fixture file holding the body... */
  fixture?: string;
  /** ...or the body itself. */
  body?: string;
  headers?: Record<string, string>;
}

/** What a provider fake sees of a request when it answers: its path and query, and its JSON body ({} when not an object). */
export interface FakeRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface ProviderFakeConfig {
  /** The path of the adapter's base URL, e.g. '/v1'. */
  basePath: string;
  readFixture(name: string): string;
  /** What the provider would reject in a request, or what the dialect must not send; `raw` is the body as sent (for signatures). */
  check(method: string, path: string, headers: Record<string, string>, body: unknown, raw: string): string[];
  streaming(request: FakeRequest): boolean;
  /** Headers sent with every answer. */
  headers(): Record<string, string>;
  jsonContentType: string;
  sseHeaders: Record<string, string>;
  /** One SSE event carrying `line` as its data (or, for a binary framing, its bytes). */
  sseEvent(line: string): string | Uint8Array;
  errors: Record<ErrorFault, ErrorReply>;
  /** How many chunks of the text stream the stream_truncated and stream_error faults send. */
  faultChunks: number;
  /**
   * What stream_truncated and stream_error do to a request that asked for no stream: 'sse'
   * streams anyway; 'json' sends a cut JSON body and the 'overloaded' error respectively.
   */
  streamFaultsWithoutStream: 'sse' | 'json';
  /**
   * Also serve HTTP/2 without TLS (prior knowledge, as the AWS SDK's default handler speaks it)
   * on a second port, `h2Origin`, with the same handling.
   */
  http2?: boolean;
  /** The JSON body of a reply fixture (default: the file as it is). */
  replyBody?(name: string, request: FakeRequest): string;
  /** The data of each event of a reply's stream. */
  streamLines(name: string, request: FakeRequest): string[];
}

export interface BaseProviderFake extends ProviderFake {
  /** http://127.0.0.1:port, what official SDKs take as their base URL. */
  origin: string;
  /** The HTTP/2 (cleartext) origin, when the config asked for one. */
  h2Origin?: string;
  script(...steps: ProviderFakeStep[]): void;
}

export async function startProviderFake(config: ProviderFakeConfig): Promise<BaseProviderFake> {
  const requests: RecordedRequest[] = [];
  const queue: ProviderFakeStep[] = [];

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const h2 = config.http2 === true ? createHttp2Server((req, res) => void handle(req as unknown as IncomingMessage, res as unknown as ServerResponse)) : undefined;
  const h2Sessions = new Set<Http2Session>();
  h2?.on('session', (session) => {
    h2Sessions.add(session);
    session.once('close', () => h2Sessions.delete(session));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let finished = false;
    let markClosed!: () => void;
    const closedEarly = new Promise<void>((resolve) => (markClosed = resolve));
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      if (!finished) markClosed();
    });
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // recorded as text; the check reports it
    }
    const headers = flatHeaders(req);
    const path = req.url ?? '';
    requests.push({
      method: req.method ?? '',
      path,
      headers,
      body,
      problems: config.check(req.method ?? '', path, headers, body, raw),
      closedEarly,
    });
    const step = queue.shift() ?? { reply: 'text' };
    await answer(config, res, step, { path, body: isRecord(body) ? body : {} });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  if (h2 !== undefined) await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  const h2Port = (h2?.address() as AddressInfo | undefined)?.port;
  return {
    url: `http://127.0.0.1:${port}${config.basePath}`,
    origin: `http://127.0.0.1:${port}`,
    ...(h2Port !== undefined ? { h2Origin: `http://127.0.0.1:${h2Port}` } : {}),
    requests,
    script: (...steps) => void queue.push(...steps),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of h2Sessions) session.destroy();
        h2?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

const REPLY_FILES: Record<FakeReply, string> = {
  text: 'text',
  'tool-call': 'tool-call',
  'tool-result': 'tool-result',
  json: 'json',
  'cached-usage': 'cached-usage',
  'finish-length': 'finish-length',
  'finish-content-filter': 'finish-content-filter',
};

async function answer(config: ProviderFakeConfig, res: ServerResponse, step: ProviderFakeStep, request: FakeRequest): Promise<void> {
  const common = config.headers();
  const stream = config.streaming(request);
  const json = (status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': config.jsonContentType, ...common, ...extra });
    res.end(text);
  };
  const error = (reply: ErrorReply): void =>
    json(reply.status, reply.fixture !== undefined ? config.readFixture(reply.fixture) : (reply.body ?? ''), reply.headers);
  const cutJson = (): void => json(200, config.readFixture('text.json').slice(0, 120));
  const sse = (lines: string[], delayMs: number): Promise<void> => writeSse(res, config, common, lines, delayMs);
  const cutStream = (cut: StreamCut): Promise<void> => {
    const lines = config.streamLines('text', request).slice(0, cut.afterChunks);
    if (cut.streamCut === 'stream_error') lines.push(JSON.stringify(JSON.parse(config.readFixture('error-stream.json'))));
    return sse(lines, 0);
  };

  if ('status' in step) return json(step.status, JSON.stringify(step.body), step.headers);
  if ('streamCut' in step) return stream ? cutStream(step) : cutJson();
  if ('fault' in step) {
    switch (step.fault) {
      case 'hang':
        return; // never answers; the client's abort or close() ends it
      case 'reset':
        res.socket?.destroy();
        return;
      case 'malformed_json':
        if (!stream) return cutJson();
        return sse([(config.streamLines('text', request)[0] ?? '{').slice(0, 90)], 0);
      case 'stream_truncated':
      case 'stream_error':
        if (!stream && config.streamFaultsWithoutStream === 'json') {
          return step.fault === 'stream_truncated' ? cutJson() : error(config.errors.overloaded);
        }
        return cutStream({ streamCut: step.fault, afterChunks: config.faultChunks });
      default:
        return error(config.errors[step.fault]);
    }
  }
  const name = 'reply' in step ? REPLY_FILES[step.reply] : step.fixture;
  if (!stream) return json(200, config.replyBody?.(name, request) ?? config.readFixture(`${name}.json`));
  return sse(config.streamLines(name, request), step.chunkDelayMs ?? 0);
}

/** Writes each line as one event, then ends the body. */
async function writeSse(
  res: ServerResponse,
  config: ProviderFakeConfig,
  common: Record<string, string>,
  lines: string[],
  delayMs: number,
): Promise<void> {
  res.writeHead(200, { ...config.sseHeaders, ...common });
  res.flushHeaders();
  for (const line of lines) {
    if (gone(res)) return;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (gone(res)) return;
    res.write(config.sseEvent(line));
  }
  if (!gone(res)) res.end();
}

// ---------------------------------------------------------------------------------------------
// Helpers for the provider fakes
// ---------------------------------------------------------------------------------------------

/** The lines of a recorded stream fixture, or undefined when the reply has none. */
export function recordedStream(readFixture: (name: string) => string, name: string): string[] | undefined {
  let recorded: string;
  try {
    recorded = readFixture(`${name}.chunks.txt`);
  } catch {
    return undefined;
  }
  return recorded.split('\n').filter((line) => line !== '');
}

/** Text cut into about three pieces at word boundaries. */
export function splitText(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const size = Math.max(1, Math.ceil(words.length / 3));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

export const bodyOf = (r: RecordedRequest): Record<string, unknown> => (isRecord(r.body) ? r.body : {});

/** A string, or the joined `text` of an array of parts. */
export const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('')
      : '';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Lower-case names; over HTTP/2, :authority is kept (clients may sign it) and stands for host, the other pseudo-headers are dropped. */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const flat = Array.isArray(value) ? value.join(', ') : value;
    if (name === ':authority') {
      out[name] = flat;
      out.host ??= flat;
    } else if (!name.startsWith(':')) out[name] = flat;
  }
  return out;
}

/** Whether the client is gone: an HTTP/1 response is destroyed, or an HTTP/2 response's stream is. */
function gone(res: ServerResponse): boolean {
  const stream = (res as unknown as { stream?: { destroyed: boolean } }).stream;
  return res.destroyed === true || stream?.destroyed === true;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
