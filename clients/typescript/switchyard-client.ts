/**
 * A typed client for Switchyard's RouterService: promises for the unary calls, an async
 * iterable for ExecuteStream. It loads proto/switchyard/v1/ at run time with
 * @grpc/proto-loader; its types are those that scripts/gen-proto-types.sh generates into
 * services/generated/ from the same protos, with the same loader options.
 *
 *   const router = createRouterClient('127.0.0.1:50051');
 *   const decision = await router.decide({ messages: [...] });
 *   for await (const event of router.executeStream({ request: { messages: [...] } })) { ... }
 *   router.close();
 *
 * Calls reject (or, for a stream, throw from the loop) with the grpc-js `ServiceError`, whose
 * `code` is a `grpc.status` and whose `details` is the server's message.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from '../../services/generated/router_service.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import type { DecideRequest } from '../../services/generated/switchyard/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../../services/generated/switchyard/v1/DecideResponse.js';
import type { ExecuteRequest } from '../../services/generated/switchyard/v1/ExecuteRequest.js';
import type { ExecuteResponse__Output } from '../../services/generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamRequest } from '../../services/generated/switchyard/v1/ExecuteStreamRequest.js';
import type { ExecuteStreamResponse__Output } from '../../services/generated/switchyard/v1/ExecuteStreamResponse.js';
import type { ListModelsResponse__Output } from '../../services/generated/switchyard/v1/ListModelsResponse.js';

export type { DecideRequest, DecideResponse__Output as DecideResponse };
export type { ExecuteRequest, ExecuteResponse__Output as ExecuteResponse };
export type { ExecuteStreamRequest, ExecuteStreamResponse__Output as ExecuteStreamResponse };
export type { ListModelsResponse__Output as ListModelsResponse };
export type { Candidate__Output as Candidate } from '../../services/generated/switchyard/v1/Candidate.js';
export type { Attempt__Output as Attempt } from '../../services/generated/switchyard/v1/Attempt.js';
export type { Message } from '../../services/generated/switchyard/v1/Message.js';

export const DEFAULT_ADDRESS = '127.0.0.1:50051';
const DEFAULT_DEADLINE_MS = 60_000;

/** Must match the flags scripts/gen-proto-types.sh passes, or the generated types would lie. */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

export interface CallOptions {
  /** Time the call may take, in ms (default 60 s). The server sees the deadline too. */
  deadlineMs?: number;
  /** Aborting cancels the call; the server then stops the model call it made. */
  signal?: AbortSignal;
  metadata?: grpc.Metadata;
}

export interface RouterClient {
  /** Chooses a model, its fallbacks and a plan, without calling a model. */
  decide(request: DecideRequest, options?: CallOptions): Promise<DecideResponse__Output>;
  /** Decides, runs the plan (with fallbacks) and returns the answer. */
  execute(request: ExecuteRequest, options?: CallOptions): Promise<ExecuteResponse__Output>;
  /** As execute, event by event: `decision` first, then `textDelta`s and `toolCall`s, `done` last. Leaving the loop early cancels the call. */
  executeStream(request: ExecuteStreamRequest, options?: CallOptions): AsyncIterable<ExecuteStreamResponse__Output>;
  /** The catalog, with capabilities, prices and current availability. */
  listModels(options?: CallOptions): Promise<ListModelsResponse__Output>;
  /** The underlying grpc-js client, for anything the wrapper does not cover. */
  readonly raw: RouterServiceClient;
  close(): void;
}

export interface ClientOptions {
  /** Folder holding switchyard/v1/*.proto; by default the nearest proto/ above this file. */
  protoDir?: string;
  /** Default: plaintext, as Switchyard serves. */
  credentials?: grpc.ChannelCredentials;
}

export function createRouterClient(address: string = DEFAULT_ADDRESS, options: ClientOptions = {}): RouterClient {
  const protoDir = options.protoDir ?? findProtoDir(dirname(fileURLToPath(import.meta.url)));
  const definition = protoLoader.loadSync('switchyard/v1/router_service.proto', { ...LOADER_OPTIONS, includeDirs: [protoDir] });
  const proto = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  const raw = new proto.switchyard.v1.RouterService(address, options.credentials ?? grpc.credentials.createInsecure());

  function unary<Req, Res>(method: 'decide' | 'execute' | 'listModels', request: Req, opts: CallOptions = {}): Promise<Res> {
    const invoke = raw[method].bind(raw) as (req: Req, md: grpc.Metadata, o: grpc.CallOptions, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;
    return new Promise<Res>((resolve, reject) => {
      let release = () => {};
      const call = invoke(request, opts.metadata ?? new grpc.Metadata(), callOptions(opts), (err, res) => {
        release();
        if (err) reject(err);
        else resolve(res as Res);
      });
      release = cancelOnAbort(call, opts.signal);
    });
  }

  return {
    raw,
    decide: (request, opts) => unary('decide', request, opts),
    execute: (request, opts) => unary('execute', request, opts),
    listModels: (opts) => unary('listModels', {}, opts),
    async *executeStream(request, opts = {}) {
      const call = raw.executeStream(request, opts.metadata ?? new grpc.Metadata(), callOptions(opts));
      const release = cancelOnAbort(call, opts.signal);
      try {
        // A grpc-js readable stream is async iterable; a failed call throws its ServiceError here.
        for await (const event of call) yield event as ExecuteStreamResponse__Output;
      } finally {
        release();
        call.cancel(); // a no-op once the stream has ended; stops the call when the loop is left early
      }
    },
    close: () => raw.close(),
  };
}

function callOptions(opts: CallOptions): grpc.CallOptions {
  return { deadline: Date.now() + (opts.deadlineMs ?? DEFAULT_DEADLINE_MS) };
}

/** Cancels `call` when `signal` aborts; returns the function that stops listening. */
function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  const cancel = () => call.cancel();
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** The first `proto/` folder holding switchyard/v1 above `from` (works from source and from dist/). */
function findProtoDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'switchyard/v1/router_service.proto'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`switchyard client: no proto/switchyard/v1 above ${from}; pass options.protoDir`);
  }
}
