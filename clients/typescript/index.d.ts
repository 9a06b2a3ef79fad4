import type { Client, Transport } from '@connectrpc/connect';
import type { GrpcTransportOptions } from '@connectrpc/connect-node';
import type { ExecutorService } from './gen/switchyard/v1/executor_service_pb.js';
import type { RouterService } from './gen/switchyard/v1/router_service_pb.js';

export * from './gen/index.js';
export { Code, ConnectError } from '@connectrpc/connect';

/** 127.0.0.1:50051, where `switchyard serve` listens by default. */
export declare const DEFAULT_ADDRESS: string;

/** Transport options besides the base URL: TLS, interceptors, default timeouts, HTTP/2 pings. */
export type SwitchyardTransportOptions = Partial<Omit<GrpcTransportOptions, 'baseUrl'>>;

/** A gRPC transport to `address` (host:port, or a URL with http: or https:). */
export declare function switchyardTransport(address?: string, options?: SwitchyardTransportOptions): Transport;

/**
 * A client of the RouterService. Each method takes the request (a plain object is enough) and
 * call options (`timeoutMs`, `signal`, `headers`); unary methods return a promise, ExecuteStream
 * an async iterable. Failures reject with a ConnectError whose `code` is the gRPC status.
 */
export declare function createRouterClient(address?: string, options?: SwitchyardTransportOptions): Client<typeof RouterService>;

/** A client of an ExecutorService: Invoke and InvokeStream. */
export declare function createExecutorClient(address?: string, options?: SwitchyardTransportOptions): Client<typeof ExecutorService>;
