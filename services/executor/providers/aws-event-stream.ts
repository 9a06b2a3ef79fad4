/**
 * The AWS event-stream binary framing (application/vnd.amazon.eventstream) over a fetch
 * Response body: each message is a 12-byte prelude (total length, headers length, prelude
 * CRC32), typed headers, a payload and a message CRC32. Frames are cut from the byte stream by
 * their total length and decoded, CRCs checked, by the smithy codec.
 *
 * Like parseSse, a stream that ends inside a frame or whose connection breaks rejects with
 * 'stream_interrupted', a frame that fails its checks with 'malformed_response', an aborted
 * signal with 'aborted' (or 'timeout'); leaving the loop early cancels the body.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { ProviderError } from './errors.js';
import { errorFromAbort } from './http.js';

export interface EventStreamMessage {
  /** String-valued headers (`:message-type`, `:event-type`, `:exception-type`, ...). */
  headers: Record<string, string>;
  payload: Uint8Array;
}

const PRELUDE_BYTES = 12;
const MIN_MESSAGE_BYTES = 16;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();
export const eventStreamCodec = new EventStreamCodec(
  (bytes) => utf8Decoder.decode(bytes),
  (text) => utf8Encoder.encode(text),
);

export async function* parseEventStream(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  provider: string,
): AsyncGenerator<EventStreamMessage, void, undefined> {
  if (body === null) throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: the stream has no body` });
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let buffer: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      if (signal.aborted) throw errorFromAbort(signal, provider);
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal.aborted) throw errorFromAbort(signal, provider);
        throw new ProviderError({ kind: 'stream_interrupted', provider, message: `${provider}: the connection broke during the stream`, cause });
      }
      if (signal.aborted) throw errorFromAbort(signal, provider);
      if (chunk.done) {
        if (buffer.length > 0) {
          throw new ProviderError({ kind: 'stream_interrupted', provider, message: `${provider}: the stream ended in the middle of a frame` });
        }
        return;
      }
      buffer = concat(buffer, chunk.value);
      while (buffer.length >= PRELUDE_BYTES) {
        const total = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0, false);
        if (total < MIN_MESSAGE_BYTES || total > MAX_MESSAGE_BYTES) {
          throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: an event-stream frame declares ${total} bytes` });
        }
        if (buffer.length < total) break;
        yield decodeFrame(buffer.subarray(0, total), provider);
        buffer = buffer.subarray(total);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function decodeFrame(frame: Uint8Array, provider: string): EventStreamMessage {
  let decoded: ReturnType<EventStreamCodec['decode']>;
  try {
    decoded = eventStreamCodec.decode(frame);
  } catch (cause) {
    throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: an event-stream frame failed its checks`, cause });
  }
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(decoded.headers)) {
    if (header.type === 'string') headers[name] = header.value;
  }
  return { headers, payload: decoded.body };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
