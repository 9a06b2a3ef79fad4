/**
 * What the HTTP front door's parts share: the services a translator calls (the same Execute
 * engine the gRPC handlers call), the request as a route handler sees it, and a route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelInfo } from '../generated/switchyard/v1/ModelInfo.js';
import type { ExecuteEngine } from '../router/execute/execute-engine.js';
import type { Config } from '../shared/config/schema.js';
import type { Logger } from '../shared/log.js';
import type { Tenancy } from '../router/tenancy/tenancy.js';
import type { Caller } from './authenticate.js';
import type { HttpErrorInfo } from './http-error.js';

export interface GatewayDeps {
  engine: ExecuteEngine;
  config: Config;
  /** The catalog as ListModels answers it, with current availability. */
  models(): ModelInfo[];
  log: Logger;
  /** Keys and tenants: requests are held to the caller's rights and metered against its budgets. */
  tenancy?: Tenancy;
}

export interface GatewayRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The client's x-request-id when it sent a usable one, otherwise a fresh one; echoed on the answer. */
  requestId: string;
  caller: Caller;
  /** Aborts when the client goes away before the answer is complete. */
  signal: AbortSignal;
}

/** How a wire format writes an error: its JSON body, and the event that ends a stream that has begun. */
export interface ErrorShape {
  body(e: HttpErrorInfo): unknown;
  /** Event name and data that end a started stream with this error. */
  streamEvent(e: HttpErrorInfo): { event?: string; data: unknown };
}

export interface GatewayRoute {
  method: 'GET' | 'POST';
  /** The exact path (no parameters: the routes so far need none). */
  path: string;
  errors: ErrorShape;
  /** Sent as WWW-Authenticate with a 401, so that a browser asks for credentials (e.g. `Basic realm="..."`). */
  challenge?: string;
  handle(r: GatewayRequest): Promise<void>;
}
