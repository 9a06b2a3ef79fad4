/**
 * Reading a JSON request body and writing JSON and server-sent-event answers over node:http.
 * Headers are written once: a streamed answer keeps its status open until its first event, so
 * that a failure before it can still be answered with an error status.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';

/** The request's body parsed as a JSON object; HttpError 413 over `limit` bytes, 400 when it is not a JSON object. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError({ status: 415, type: 'invalid_request_error', code: 'unsupported_media_type', param: null, message: `the body must be application/json, not ${type}`, retryable: false });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new HttpError({ status: 413, type: 'request_too_large', code: 'request_too_large', param: null, message: `the request body is over the limit of ${limit} bytes`, retryable: false });
    }
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError({ status: 400, type: 'invalid_request_error', code: 'invalid_json', param: null, message: `the body is not valid JSON: ${(e as Error).message}`, retryable: false });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError({ status: 400, type: 'invalid_request_error', code: 'invalid_json', param: null, message: 'the body must be a JSON object', retryable: false });
  }
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A server-sent-event stream whose status line and headers go out with its first event. */
export class SseWriter {
  private opened = false;

  constructor(private readonly res: ServerResponse) {}

  get started(): boolean {
    return this.opened;
  }

  /** Sends the 200 status and these headers; later calls do nothing. */
  open(headers: OutgoingHttpHeaders): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    this.res.flushHeaders();
  }

  /** One event: `data` as JSON (or as it is, when a string), under `event` when given. */
  send(data: unknown, event?: string): void {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(event ? `event: ${event}\ndata: ${payload}\n\n` : `data: ${payload}\n\n`);
  }

  end(trailers?: Record<string, string>): void {
    if (trailers) this.res.addTrailers(trailers);
    this.res.end();
  }
}
