/**
 * The HTTP front door: a node:http server that finds a request's route in a table, checks its
 * credentials (authenticate.ts), and hands it to the route's translator, which calls the Execute
 * engine in process. It decides nothing itself. Every answer carries `x-request-id`; a client
 * that goes away aborts the work in flight through the request's signal.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/log.js';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { ServerTlsConfig } from '../shared/config/schema.js';
import { reloadOnChange, secureContextOptions } from '../shared/tls/tls-files.js';
import type { Tenancy } from '../router/tenancy/tenancy.js';
import { authenticate } from './authenticate.js';
import type { ErrorShape, GatewayRoute } from './gateway-types.js';
import { HttpError, httpErrorOf, type HttpErrorInfo } from './http-error.js';
import { sendJson } from './http-io.js';
import type { Admission } from '../shared/grpc/admission.js';

export interface HttpGateway {
  /** host:port actually bound. */
  address: string;
  port: number;
  /** Stops accepting requests, lets those in flight finish for up to `graceMs`, then closes them. */
  close(graceMs: number): Promise<void>;
}

export interface HttpGatewayOptions {
  listen: string;
  routes: readonly GatewayRoute[];
  /** Routes served past the bound on requests in flight (health, status): they answer from memory. */
  openRoutes?: readonly GatewayRoute[];
  /** The bound on requests in flight (server.http_max_in_flight); past it a request gets 503 and Retry-After. */
  admission?: Admission;
  /** The error shape of answers no route owns (unknown paths), by the request's headers. */
  fallbackErrors(req: IncomingMessage): ErrorShape;
  log: Logger;
  /** Keys and tenants: the same rights and budgets as on the gRPC port. */
  tenancy?: Tenancy;
  /** TLS (and mTLS with client_ca_file), as on the gRPC port: HTTPS, certificates reloaded when the files change. */
  tls?: ServerTlsConfig;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The headers every error answer carries besides its body. */
export function errorHeaders(e: HttpErrorInfo, requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    ...(e.retryable ? {} : { 'x-should-retry': 'false' }),
    ...(e.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(e.retryAfterMs / 1000)) } : {}),
  };
}

/** How long a client turned away by the bound on requests in flight is asked to wait. */
const BUSY_RETRY_AFTER_MS = 1000;

function busy(admission: Admission): HttpError {
  return new HttpError({ status: 503, type: 'overloaded_error', code: 'server_busy', param: null, message: admission.busyMessage('requests'), retryable: true, retryAfterMs: BUSY_RETRY_AFTER_MS });
}

function notFound(req: IncomingMessage, allowed: string[]): HttpError {
  const path = (req.url ?? '/').split('?')[0];
  if (allowed.length > 0) {
    return new HttpError({ status: 405, type: 'invalid_request_error', code: 'method_not_allowed', param: null, message: `${req.method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`, retryable: false });
  }
  return new HttpError({ status: 404, type: 'not_found_error', code: 'unknown_url', param: null, message: `no such endpoint: ${req.method} ${path}`, retryable: false });
}

export function startHttpGateway(o: HttpGatewayOptions): Promise<HttpGateway> {
  const open = new Set(o.openRoutes ?? []);
  const table = new Map([...o.routes, ...open].map((r) => [`${r.method} ${r.path}`, r]));
  const logError = (msg: string, e: unknown) => o.log.error(msg, { error: e });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    const path = (req.url ?? '/').split('?')[0]!;
    const route = table.get(`${req.method} ${path}`);
    const errors = route?.errors ?? o.fallbackErrors(req);
    const ctrl = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ctrl.abort(new DOMException('the client closed the connection', 'AbortError'));
    });
    let release: (() => void) | undefined;
    try {
      if (!route) throw notFound(req, [...table.values()].filter((r) => r.path === path).map((r) => r.method));
      if (o.admission && !open.has(route)) {
        release = o.admission.tryEnter();
        if (!release) throw busy(o.admission);
      }
      const caller = authenticate(req, o.tenancy);
      await route.handle({ req, res, requestId, caller, signal: ctrl.signal });
    } catch (err) {
      const e = httpErrorOf(err, (f) => f, logError);
      const challenge = e.status === 401 && route?.challenge ? { 'www-authenticate': route.challenge } : {};
      if (!res.headersSent) sendJson(res, e.status, errors.body(e), { ...errorHeaders(e, requestId), ...challenge });
      else res.destroy();
    } finally {
      release?.();
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server = o.tls ? createHttpsServer({ keepAliveTimeout: 65_000, ...secureContextOptions(o.tls) }, listener) : createServer({ keepAliveTimeout: 65_000 }, listener);
  const stopReload = o.tls && server instanceof HttpsServer ? reloadOnChange(server, o.tls, (e) => o.log.error('cannot reload the HTTP front door certificate', { error: e })) : () => undefined;
  return new Promise((resolve, reject) => {
    const at = o.listen.lastIndexOf(':');
    const host = o.listen.slice(0, at).replace(/^\[|\]$/g, '');
    server.once('error', reject);
    server.listen(Number(o.listen.slice(at + 1)), host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        address: `${o.listen.slice(0, at)}:${port}`,
        port,
        close: (graceMs) =>
          (closing ??= new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            stopReload();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          })),
      });
    });
  });
}
