/**
 * GET /status (the page) and GET /status.json (what it refreshes from, and what tools read) on
 * the HTTP front door. Who may read them:
 *  - with API keys configured (tenants), the front door's own check applies (authenticate.ts:
 *    `authorization: Bearer <key>`, or Basic with the key as the password, which a browser
 *    asks for on the 401's challenge), and then only tenants listed in `status_page.tenants`
 *    (403 for the others): the page shows every tenant's traffic;
 *  - without keys, only clients on loopback (403 otherwise), as the open gRPC API is served on
 *    loopback only.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../gateway/http-error.js';
import { sendJson } from '../gateway/http-io.js';
import { openAIErrors } from '../gateway/openai-chat-completions.js';
import type { Caller } from '../gateway/authenticate.js';
import type { GatewayRoute } from '../gateway/gateway-types.js';
import { STATUS_CSP, statusHtml } from './status-html.js';
import type { StatusSnapshot } from './status-snapshot.js';
import { statusView } from './status-view.js';

export interface StatusRouteOptions {
  snapshot(): StatusSnapshot;
  /** Tenants whose keys may read the page (status_page.tenants). */
  tenants: readonly string[];
  /** Whether API keys are configured. */
  keyed: boolean;
}

const CHALLENGE = 'Basic realm="Switchyard status", charset="UTF-8"';
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function forbidden(message: string): HttpError {
  return new HttpError({ status: 403, type: 'permission_error', code: 'status_forbidden', param: null, message, retryable: false });
}

function admit(req: IncomingMessage, caller: Caller, o: StatusRouteOptions): void {
  if (o.keyed) {
    if (!o.tenants.includes(caller.tenant)) {
      throw forbidden(`tenant "${caller.tenant}" may not read the status page: list it in status_page.tenants`);
    }
    return;
  }
  if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) throw forbidden('without API keys the status page is served to loopback clients only');
}

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function statusRoutes(o: StatusRouteOptions): GatewayRoute[] {
  return [
    {
      method: 'GET',
      path: '/status',
      errors: openAIErrors,
      challenge: CHALLENGE,
      async handle(r) {
        admit(r.req, r.caller, o);
        const s = o.snapshot();
        const html = statusHtml(statusView(s), s.refreshSeconds);
        r.res.writeHead(200, {
          ...NO_STORE,
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(html),
          'content-security-policy': STATUS_CSP,
          'referrer-policy': 'no-referrer',
          'x-request-id': r.requestId,
        });
        r.res.end(html);
      },
    },
    {
      method: 'GET',
      path: '/status.json',
      errors: openAIErrors,
      challenge: CHALLENGE,
      async handle(r) {
        admit(r.req, r.caller, o);
        const s = o.snapshot();
        sendJson(r.res, 200, { ...s, view: statusView(s) }, { ...NO_STORE, 'x-request-id': r.requestId });
      },
    },
  ];
}
