/**
 * Tells "no server at this address" from "a server is there but could not answer": a failed
 * call's UNAVAILABLE can mean either, so the standard health service is asked once.
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const HealthClient = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');

/** Whether a gRPC server answers the health service at `addr` within `timeoutMs` (over TLS when `security` says so). */
export function serverAnswers(addr: string, timeoutMs = 1_000, security?: { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions }): Promise<boolean> {
  const client = new HealthClient(addr, security?.credentials ?? grpc.credentials.createInsecure(), security?.options ?? {});
  return new Promise<boolean>((resolve) => {
    (client as unknown as { check(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void): void }).check(
      { service: '' },
      { deadline: Date.now() + timeoutMs },
      (e) => resolve(e === null || e.code !== grpc.status.UNAVAILABLE && e.code !== grpc.status.DEADLINE_EXCEEDED),
    );
  }).finally(() => client.close());
}
