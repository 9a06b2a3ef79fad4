/**
 * A server with the HTTP front door on a free loopback port, its executors calling the standard
 * local fakes (test/support/execute-fixture.ts), and the official OpenAI and Anthropic SDKs
 * pointed at it. `calls` counts the HTTP requests each SDK made, retries included.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  executeConfig,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ConfigOptions,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

export interface GatewayFixture {
  fakes: StandardFakes;
  s: ExecuteServer;
  /** http://127.0.0.1:port */
  origin: string;
  openai: OpenAI;
  anthropic: Anthropic;
  calls: { openai: number; anthropic: number };
  close(): Promise<void>;
}

export async function startGateway(o: ConfigOptions = {}): Promise<GatewayFixture> {
  const fakes = await startStandardFakes();
  const s = await startExecuteServer(executeConfig(standardModels(fakes), { ...o, server: { http_listen: '127.0.0.1:0', ...o.server } }));
  const origin = `http://127.0.0.1:${s.server.http!.port}`;
  const calls = { openai: 0, anthropic: 0 };
  const counting = (key: keyof typeof calls): typeof fetch => (input, init) => {
    calls[key]++;
    return fetch(input, init);
  };
  // Short, fixed back-off so that a retried error costs little; retries themselves stay on.
  const openai = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'unused', maxRetries: 2, timeout: 10_000, fetch: counting('openai') });
  const anthropic = new Anthropic({ baseURL: origin, apiKey: 'unused', maxRetries: 2, timeout: 10_000, fetch: counting('anthropic') });
  return {
    fakes,
    s,
    origin,
    openai,
    anthropic,
    calls,
    async close() {
      await s.close();
      await fakes.close();
    },
  };
}

export const ASK = 'What is the capital of France?';
