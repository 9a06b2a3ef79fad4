/**
 * The soak benchmark's load: the server's configuration (three models on one local upstream,
 * retries on) and its requests, a fixed mix of Execute, ExecuteStream and Decide, each with
 * its own prompt and session label.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RouterServiceClient } from '../generated/switchyard/v1/RouterService.js';

export type Kind = 'execute' | 'stream' | 'decide';

/** The mix, in order: request i is of kind KINDS[i % KINDS.length]. */
export const KINDS: readonly Kind[] = ['execute', 'execute', 'execute', 'execute', 'stream', 'stream', 'decide'];

export interface Answer {
  code: number;
  details?: string;
}

export function soakConfig(upstream: string, maxInFlight: number | undefined): string {
  const model = (id: string, q: number, price: number) => ({
    id,
    provider: 'openai-compatible',
    quality: { benchmark: q, source: 'synthetic score, 2026' },
    prices: { input: price, output: price * 4 },
    context_window: 128_000,
    max_output_tokens: 4096,
    capabilities: ['streaming'],
    latency: { ttft_ms: 100, output_tokens_per_second: 100 },
    deployments: [{ name: 'local', base_url: upstream, region: 'local' }],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'sy-soak-')), 'soak.yaml');
  writeFileSync(
    file,
    stringify({
      ...(maxInFlight ? { server: { max_in_flight: maxInFlight } } : {}),
      executor: { simulate_without_credentials: false, retry_attempts: 2, retry_base_ms: 20, retry_cap_ms: 100 },
      policies: { balanced: { cost_quality_tradeoff: 0.5, max_fallbacks: 2 } },
      models: [model('soak-a', 0.7, 1), model('soak-b', 0.72, 1.5), model('soak-c', 0.75, 2)],
    }),
  );
  return file;
}

const WORDS = ['route', 'model', 'cache', 'river', 'stone', 'quantum', 'ledger', 'orbit', 'velvet', 'harbor', 'signal', 'prism'];
function prompt(i: number): string {
  const n = 5 + (i % 40);
  return Array.from({ length: n }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ') + ` #${i}`;
}

export function send(client: RouterServiceClient, kind: Kind, i: number): Promise<Answer> {
  const request = { messages: [{ role: 'ROLE_USER' as const, content: [{ text: prompt(i) }] }], labels: { session: `s${i % 5000}`, tenant: `t${i % 7}` } };
  const deadline = Date.now() + 30_000;
  return new Promise((resolve) => {
    if (kind === 'stream') {
      const call = client.executeStream({ request }, { deadline });
      let done = false;
      call.on('data', (e: { event?: string }) => (done ||= e.event === 'done'));
      call.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details }));
      call.on('end', () => resolve(done ? { code: grpc.status.OK } : { code: grpc.status.DATA_LOSS, details: 'stream ended without a done event' }));
      return;
    }
    const cb = (err: grpc.ServiceError | null) => resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK });
    if (kind === 'decide') client.decide(request, { deadline }, cb);
    else client.execute(request, { deadline }, cb);
  });
}

