/**
 * Server-sent events over a fetch Response body, as the WHATWG HTML standard's
 * "event stream interpretation" defines them: lines end in CRLF, LF or CR; a line starting
 * with ':' is a comment; `data` lines of one event are joined with '\n'; a blank line
 * dispatches the event; an event with no data is not dispatched; a leading BOM is skipped.
 *
 * Where the standard silently drops an unfinished event at the end of the stream, this parser
 * reports it: a stream that ends in the middle of an event rejects with a ProviderError of
 * kind 'stream_interrupted'. So does a connection that breaks while reading; an aborted
 * signal rejects with 'aborted' (or 'timeout' for a TimeoutError reason). Leaving the loop
 * early (break, return, throw) cancels the body, which closes the connection.
 */
import { ProviderError } from './errors.js';
import { errorFromAbort } from './http.js';

export interface SseEvent {
  /** The `event` field; absent for the default type ("message"). */
  event?: string;
  data: string;
  /** The `id` field of this event, when it set one. */
  id?: string;
}

export interface SseOptions {
  /** Names the provider in error messages. */
  provider?: string;
  /** Upper bound on one event's size, so a broken upstream cannot exhaust memory. */
  maxEventBytes?: number;
}

const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

export async function* parseSse(
  body: ReadableStream<Uint8Array> | null,
  signal?: AbortSignal,
  options: SseOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const provider = options.provider ?? 'provider';
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (body === null) {
    throw new ProviderError({ kind: 'malformed_response', provider, message: `${provider}: the stream has no body` });
  }
  const reader = body.getReader();
  const onAbort = (): void => {
    reader.cancel(signal?.reason).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let started = false;
  let data: string[] = [];
  let dataBytes = 0;
  let eventType: string | undefined;
  let eventId: string | undefined;
  let pendingFields = false;

  try {
    for (;;) {
      if (signal?.aborted) throw errorFromAbort(signal, provider);
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal?.aborted) throw errorFromAbort(signal, provider);
        throw new ProviderError({
          kind: 'stream_interrupted',
          provider,
          message: `${provider}: the connection broke during the stream`,
          cause,
        });
      }
      if (signal?.aborted) throw errorFromAbort(signal, provider);
      const done = chunk.done;
      buffer += done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      if (!started && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        started = true;
      }

      let start = 0;
      for (;;) {
        const lf = buffer.indexOf('\n', start);
        const cr = buffer.indexOf('\r', start);
        let end: number;
        let next: number;
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          // A CR at the very end may be the first half of a CRLF split across chunks.
          if (cr === buffer.length - 1 && !done) break;
          end = cr;
          next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        } else if (lf !== -1) {
          end = lf;
          next = lf + 1;
        } else {
          break;
        }
        const line = buffer.slice(start, end);
        start = next;

        if (line === '') {
          if (data.length > 0) {
            const event: SseEvent = { data: data.join('\n') };
            if (eventType !== undefined && eventType !== '') event.event = eventType;
            if (eventId !== undefined) event.id = eventId;
            yield event;
          }
          data = [];
          dataBytes = 0;
          eventType = undefined;
          eventId = undefined;
          pendingFields = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        pendingFields = true;
        if (field === 'data') {
          data.push(value);
          dataBytes += value.length;
          if (dataBytes > maxEventBytes) {
            throw new ProviderError({
              kind: 'malformed_response',
              provider,
              message: `${provider}: a stream event exceeds ${maxEventBytes} bytes`,
            });
          }
        } else if (field === 'event') {
          eventType = value;
        } else if (field === 'id') {
          if (!value.includes('\u0000')) eventId = value;
        }
        // 'retry' and unknown fields are ignored: reconnection is the executor's business.
      }
      buffer = buffer.slice(start);
      if (buffer.length > maxEventBytes) {
        throw new ProviderError({
          kind: 'malformed_response',
          provider,
          message: `${provider}: a stream line exceeds ${maxEventBytes} bytes`,
        });
      }

      if (done) {
        if (buffer.length > 0 || pendingFields) {
          throw new ProviderError({
            kind: 'stream_interrupted',
            provider,
            message: `${provider}: the stream ended in the middle of an event`,
          });
        }
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Cancelling an unfinished body closes the connection; on a finished one it is a no-op.
    reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
