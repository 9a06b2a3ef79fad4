/**
 * The front door's routes, in one table: one entry per endpoint, each translator owning its
 * wire format. A new endpoint (a status page, another wire format) is one more line here.
 */
import type { IncomingMessage } from 'node:http';
import { anthropicErrors, messagesRoute } from './anthropic-messages.js';
import type { ErrorShape, GatewayDeps, GatewayRoute } from './gateway-types.js';
import { modelsRoute } from './models-list.js';
import { chatCompletionsRoute, openAIErrors } from './openai-chat-completions.js';

export function gatewayRoutes(deps: GatewayDeps): GatewayRoute[] {
  return [chatCompletionsRoute(deps), messagesRoute(deps), modelsRoute(deps)];
}

/** Errors of requests no route owns: Anthropic's shape for Anthropic's clients, OpenAI's otherwise. */
export function fallbackErrors(req: IncomingMessage): ErrorShape {
  return req.headers['anthropic-version'] ? anthropicErrors : openAIErrors;
}
