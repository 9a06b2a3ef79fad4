/**
 * A bound on the calls a server works on at once (RouterService: server.max_in_flight;
 * ExecutorService: executor.max_in_flight; the HTTP front door, in http-gateway.ts:
 * server.http_max_in_flight). Past the bound a call is answered at once
 * RESOURCE_EXHAUSTED, naming the limit and its config key, instead of joining the queue.
 *
 * Why a bound and not a longer queue: an overloaded server that keeps accepting piles up calls
 * until their deadlines pass together. The client then resets each of those HTTP/2 streams,
 * and past about 1,000 resets in a burst on one connection the HTTP/2 library (nghttp2's guard
 * against "rapid reset" floods) closes the whole connection with GOAWAY INTERNAL_ERROR: every
 * other call on it, answered or not, fails INTERNAL ("Received RST_STREAM with code 2 ...
 * Session closed with error code 2"). A call rejected here is ended by the server, so the client
 * never resets it, and the calls that do run are few enough that their deadlines cannot make
 * such a burst.
 */
import type * as grpc from '@grpc/grpc-js';
import { ResourceExhaustedError } from '../errors.js';
import { toStatus } from './status.js';

export class Admission {
  private running = 0;
  private refused = 0;

  /** `key` names the setting of `limit` in messages (e.g. server.max_in_flight). */
  constructor(
    readonly limit: number,
    readonly key: string,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  /** Calls answered RESOURCE_EXHAUSTED so far because the limit was reached. */
  get rejected(): number {
    return this.refused;
  }

  /** A release function when the call may run; undefined when the limit is reached. */
  tryEnter(): (() => void) | undefined {
    if (this.running >= this.limit) {
      this.refused++;
      return undefined;
    }
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }

  /** Why a call was refused, naming the limit and its key; `unit` names what is counted (calls, requests). */
  busyMessage(unit = 'calls'): string {
    return `server busy: ${this.limit} ${unit} already in flight (limit ${this.key}); retry later or with backoff`;
  }

  busyError(): ResourceExhaustedError {
    return new ResourceExhaustedError(this.busyMessage());
  }
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;
type AnyHandler = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => void;

/**
 * The handlers of `service`, each admitted through `admission`: a call holds its place until it
 * is answered (callback, stream end or error) or cancelled (by the caller or its deadline).
 */
export function admitCalls<H extends object>(service: grpc.ServiceDefinition, handlers: H, admission: Admission): H {
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, method] of Object.entries(service)) {
    const byName = handlers as Record<string, AnyHandler | undefined>;
    const key = byName[name] ? name : method.originalName && byName[method.originalName] ? method.originalName : undefined;
    if (!key) continue;
    const handler = byName[key]!;
    wrapped[key] = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => {
      const release = admission.tryEnter();
      if (!release) {
        const status = toStatus(admission.busyError());
        if (method.responseStream) call.emit('error', status);
        else callback?.(status);
        return;
      }
      // `on`, not `once`: release is idempotent, and once wraps it in a new function per call.
      call.on('cancelled', release);
      try {
        if (method.responseStream) {
          call.once('finish', release);
          call.once('close', release);
          return handler(call, callback);
        }
        return handler(call, (err, value, trailer, flags) => {
          release();
          callback?.(err, value, trailer, flags);
        });
      } catch (e) {
        release();
        throw e;
      }
    };
  }
  return { ...handlers, ...wrapped } as H;
}
