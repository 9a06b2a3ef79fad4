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

function utf8(chunks: Buffer[]): string {
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
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
    // A small answer has usually arrived whole by now: the parser has buffered all of it and
    // ended the message. Reading it there saves switching the message to flowing mode and a
    // 'data' event per chunk. The read that empties the message ends it, and the answer is
    // given on 'end', as the flowing read gives it: by then the socket is back in the pool, so
    // a call aborted after its answer has nothing left to destroy.
    if (res.complete && res.readableFlowing !== true) {
      const chunks: Buffer[] = [];
      for (let c = res.read() as Buffer | null; c !== null; c = res.read() as Buffer | null) chunks.push(c);
      if (res.readableEnded) return Promise.resolve(utf8(chunks));
      return new Promise((resolve, reject) => {
        const whole = () => resolve(utf8(chunks));
        res.once('end', whole);
        res.once('error', reject);
        // Destroyed before its 'end' without an error: the answer had come whole all the same.
        res.once('close', whole);
      });
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve(utf8(chunks)));
      res.once('error', reject);
      res.once('close', () => {
        if (!res.complete) reject(prematureClose());
      });
    });
  }
}
