/** A RouterService client for the CLI and examples, with promise-returning calls. */
import * as grpc from '@grpc/grpc-js';
import { switchyardProto } from './proto.js';
import type { RouterServiceClient } from '../../generated/switchyard/v1/RouterService.js';
import type { DecideRequest } from '../../generated/switchyard/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../../generated/switchyard/v1/DecideResponse.js';
import type { ListModelsResponse__Output } from '../../generated/switchyard/v1/ListModelsResponse.js';
import type { GetDecisionResponse__Output } from '../../generated/switchyard/v1/GetDecisionResponse.js';
import type { ListDecisionsRequest } from '../../generated/switchyard/v1/ListDecisionsRequest.js';
import type { ListDecisionsResponse__Output } from '../../generated/switchyard/v1/ListDecisionsResponse.js';

export const DEFAULT_ADDRESS = '127.0.0.1:50051';

/** Adds `authorization: Bearer <key>` to every call. */
function bearer(key: string): grpc.Interceptor {
  return (options, next) =>
    new grpc.InterceptingCall(next(options), {
      start(metadata, listener, nextStart) {
        metadata.set('authorization', `Bearer ${key}`);
        nextStart(metadata, listener);
      },
    });
}

/**
 * A client of the service at `address`; it sends the API key in SWITCHYARD_API_KEY, when set,
 * with every call. Plaintext unless `security` gives TLS credentials (and channel options).
 */
export function routerClient(address: string, env: NodeJS.ProcessEnv = process.env, security?: { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions }): RouterServiceClient {
  const { grpcObject } = switchyardProto();
  const key = env.SWITCHYARD_API_KEY?.trim();
  return new grpcObject.switchyard.v1.RouterService(address, security?.credentials ?? grpc.credentials.createInsecure(), { ...security?.options, ...(key ? { interceptors: [bearer(key)] } : {}) });
}

function unary<Req, Res>(
  call: (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => unknown,
  req: Req,
  deadlineMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    call(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res!))),
  );
}

export function decide(client: RouterServiceClient, req: DecideRequest, deadlineMs = 10_000): Promise<DecideResponse__Output> {
  return unary(client.decide.bind(client) as never, req, deadlineMs);
}

export function listModels(client: RouterServiceClient, deadlineMs = 10_000): Promise<ListModelsResponse__Output> {
  return unary(client.listModels.bind(client) as never, {}, deadlineMs);
}

export function getDecision(client: RouterServiceClient, decisionId: string, deadlineMs = 10_000): Promise<GetDecisionResponse__Output> {
  return unary(client.getDecision.bind(client) as never, { decisionId }, deadlineMs);
}

export function listDecisions(client: RouterServiceClient, req: ListDecisionsRequest, deadlineMs = 30_000): Promise<ListDecisionsResponse__Output> {
  return unary(client.listDecisions.bind(client) as never, req, deadlineMs);
}
