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

export function routerClient(address: string): RouterServiceClient {
  const { grpcObject } = switchyardProto();
  return new grpcObject.switchyard.v1.RouterService(address, grpc.credentials.createInsecure());
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
