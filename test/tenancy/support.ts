/**
 * A deployment for tenancy tests: two models on one OpenAI-compatible upstream (one in the
 * EU, one in the US), tenants given in the test, and servers started on loopback with their
 * keys in the environment.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, type Role, type RunningServer } from '../../services/server/switchyard-server.js';
import { silentLog } from '../support/router-fixture.js';

export const KEYS = { ACME: 'acme-test-key-7f3a9c', GLOBEX: 'globex-test-key-2b8e41' } as const;
export const KEY_ENV = { SWITCHYARD_KEY_ACME: KEYS.ACME, SWITCHYARD_KEY_GLOBEX: KEYS.GLOBEX };

/** Prices per million tokens: a call of a short prompt with a 1-token answer costs a few micro-dollars. */
export function tenancyConfig(upstream: string, tenants: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const model = (id: string, region: string, quality: number) => ({
    id,
    provider: 'openai-compatible',
    quality: { benchmark: quality, source: 'synthetic test score, 2026' },
    prices: { input: 100, output: 1000 },
    context_window: 128000,
    max_output_tokens: 4096,
    capabilities: ['streaming'],
    latency: { ttft_ms: 300, output_tokens_per_second: 100 },
    deployments: [{ name: `up-${region}`, base_url: upstream, region }],
  });
  return {
    router: { default_policy: 'balanced' },
    executor: { simulate_without_credentials: false, retry_attempts: 1, attempt_timeout_ms: 5000, breaker: { window_ms: 10_000, min_calls: 1000, failure_rate: 1, open_ms: 300 } },
    policies: { balanced: { cost_quality_tradeoff: 0.5, max_fallbacks: 1 }, economy: { cost_quality_tradeoff: 0.1, max_fallbacks: 1 } },
    tenants,
    models: [model('eu-model', 'eu', 0.6), model('us-model', 'us', 0.8)],
    ...extra,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-tenancy-'));
let files = 0;

export function writeConfig(config: Record<string, unknown>): string {
  const file = join(dir, `config-${files++}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

export async function startTenancyNode(config: Record<string, unknown>, o: { role?: Role; env?: NodeJS.ProcessEnv; listen?: string; httpListen?: string } = {}): Promise<RunningServer> {
  return startServer({ role: o.role ?? 'all', configPath: writeConfig(config), listen: o.listen ?? '127.0.0.1:0', ...(o.httpListen ? { httpListen: o.httpListen } : {}), log: silentLog, watchModel: false, env: { ...KEY_ENV, ...o.env } });
}

export function bearer(key: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${key}`);
  return md;
}

export const userMessage = (text: string) => ({ messages: [{ role: 'ROLE_USER' as const, content: [{ text }] }] });
