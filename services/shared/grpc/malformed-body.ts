/**
 * Bodies that are not the protobuf message a method takes. grpc-js answers a request whose
 * body its deserializer cannot read with INTERNAL ("Error deserializing request"), as if the
 * server were at fault. `guardBodies` wraps a service so that such a body reaches the handler
 * layer as a MalformedBody, and the call is answered INVALID_ARGUMENT naming the message type
 * and what is wrong with it (the decoder's reason: a wire type, an offset; never the bytes).
 */
import type * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from '../errors.js';
import { toStatus } from './status.js';

export class MalformedBody {
  constructor(readonly error: InvalidArgumentError) {}
}

function typeName(path: string): string {
  // '/switchyard.v1.RouterService/Decide' -> 'switchyard.v1.DecideRequest' by the API's naming rule.
  const m = /^\/([\w.]+)\.\w+\/(\w+)$/.exec(path);
  return m ? `${m[1]}.${m[2]}Request` : 'request';
}

function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;
type AnyHandler = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => void;

/** The service with guarded deserializers, and handlers that answer a MalformedBody with INVALID_ARGUMENT. */
export function guardBodies<H extends object>(service: grpc.ServiceDefinition, handlers: H): [grpc.ServiceDefinition, H] {
  const guarded: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, method] of Object.entries(service)) {
    const type = typeName(method.path);
    const deserialize = method.requestDeserialize;
    guarded[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return deserialize(bytes);
        } catch (e) {
          return new MalformedBody(new InvalidArgumentError('request', `is not a valid ${type} message (${reasonOf(e)})`));
        }
      },
    };
    const handler = (handlers as Record<string, AnyHandler | undefined>)[name] ?? (handlers as Record<string, AnyHandler | undefined>)[method.originalName ?? ''];
    if (!handler) continue;
    const key = (handlers as Record<string, unknown>)[name] ? name : method.originalName!;
    wrapped[key] = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => {
      if (!(call.request instanceof MalformedBody)) return handler(call, callback);
      const status = toStatus(call.request.error);
      if (method.responseStream) call.emit('error', status);
      else callback?.(status);
    };
  }
  return [guarded as grpc.ServiceDefinition, { ...handlers, ...wrapped } as H];
}
