/**
 * A provider's HTTP answer as adapters read it: status, headers, and a body read whole
 * (`text`) or as a web stream (`body`, for streamed answers). It is the part of a fetch
 * Response that adapters use, over node:http's IncomingMessage, without building a web
 * stream and a Response for every call: the stream is made only when `body` is read, and
 * `text` collects the message's chunks directly (the cost of a plain call, measured with
 * `node --cpu-prof` under the Execute benchmark).
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { HeaderSource } from './rate-limit-headers.js';

export interface ProviderResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  /** Case-insensitive; repeated headers joined with ", " as fetch's Headers does. */
  readonly headers: HeaderSource;
  /** The body as a web stream, made on first use; null when the status has no body. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** The whole body as UTF-8 text. Rejects when the connection breaks before its end. */
  text(): Promise<string>;
}

class IncomingHeaders implements HeaderSource {
  constructor(private readonly res: IncomingMessage) {}

  get(name: string): string | null {
    const values = this.res.headersDistinct[name.toLowerCase()];
    return values === undefined ? null : values.join(', ');
  }
}

/** An error like the one a broken connection gives a web stream: its code maps to 'connection'. */
function prematureClose(): Error {
  return Object.assign(new Error('the connection closed before the response body ended'), { code: 'ECONNRESET' });
}

export class IncomingProviderResponse implements ProviderResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeaderSource;
  private used = false;
  private stream: ReadableStream<Uint8Array> | null | undefined;

  /** `empty`: the status carries no body (204, 205, 304); the message has been drained. */
  constructor(
    private readonly res: IncomingMessage,
    private readonly empty: boolean,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status <= 299;
    this.statusText = res.statusMessage ?? '';
    this.headers = new IncomingHeaders(res);
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.stream === undefined) {
      if (this.empty) this.stream = null;
      else {
        if (this.used) throw new TypeError('the response body has already been read');
        this.used = true;
        this.stream = Readable.toWeb(this.res) as ReadableStream<Uint8Array>;
      }
    }
    return this.stream;
  }

  text(): Promise<string> {
    if (this.used) return Promise.reject(new TypeError('the response body has already been read'));
    this.used = true;
    if (this.empty) return Promise.resolve('');
    const res = this.res;
    if (res.destroyed) return Promise.reject(res.errored ?? prematureClose());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      res.once('error', reject);
      res.once('close', () => {
        if (!res.complete) reject(prematureClose());
      });
    });
  }
}
