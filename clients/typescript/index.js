/**
 * Switchyard's gRPC API: every message, enum and service of switchyard.v1 (generated into gen/
 * by protoc-gen-es), and clients for its services over gRPC (HTTP/2, plaintext or TLS).
 */
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { ExecutorService } from './gen/switchyard/v1/executor_service_pb.js';
import { RouterService } from './gen/switchyard/v1/router_service_pb.js';

export * from './gen/index.js';
export { Code, ConnectError } from '@connectrpc/connect';

export const DEFAULT_ADDRESS = '127.0.0.1:50051';

/** A gRPC transport to `address` (host:port, or a URL with http: or https:). */
export function switchyardTransport(address = DEFAULT_ADDRESS, options = {}) {
  const baseUrl = /^https?:\/\//.test(address) ? address : `http://${address}`;
  return createGrpcTransport({ baseUrl, ...options });
}

/** A client of the RouterService: Decide, Execute, ExecuteStream and ListModels. */
export function createRouterClient(address = DEFAULT_ADDRESS, options = {}) {
  return createClient(RouterService, switchyardTransport(address, options));
}

/** A client of an ExecutorService: Invoke and InvokeStream. */
export function createExecutorClient(address = DEFAULT_ADDRESS, options = {}) {
  return createClient(ExecutorService, switchyardTransport(address, options));
}
