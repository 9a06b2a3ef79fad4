/**
 * A small deployment for bus tests: an OpenAI-compatible upstream per executor (answers with
 * the real wire format, fails on demand, and caches prompt prefixes the way OpenAI does:
 * implicitly, reporting `cached_tokens` from the second call with the same system prompt),
 * and routers and executors started with their own config files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, type RunningServer, type Role } from '../../services/server/switchyard-server.js';
import { silentLog } from '../support/router-fixture.js';

export interface Upstream {
  url: string;
  calls: number;
  /** 'ok', or 'fail' (HTTP 500 on every call). */
  mode: 'ok' | 'fail';
  delayMs: number;
  close(): Promise<void>;
}

/** The provider's prompt cache: shared by every upstream, as one account's cache is. */
const seen = new Set<string>();

export async function startUpstream(): Promise<Upstream> {
  const up: Upstream = { url: '', calls: 0, mode: 'ok', delayMs: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      up.calls++;
      const answer = () => {
        if (up.mode === 'fail') {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'upstream is down', type: 'server_error' } }));
          return;
        }
        const r = JSON.parse(body) as { model: string; messages: { role: string; content: string | { text?: string }[] }[] };
        const text = (m: { content: string | { text?: string }[] }) => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join(''));
        const system = r.messages.filter((m) => m.role === 'system').map(text).join('\n');
        const all = r.messages.map(text).join('\n');
        const promptTokens = Math.ceil(all.length / 4) + 4 * r.messages.length;
        const key = `${r.model}\0${system}`;
        const cached = system.length >= 400 && seen.has(key) ? Math.ceil(system.length / 4) : 0;
        if (system.length >= 400) seen.add(key);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${up.calls}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: r.model,
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: promptTokens, completion_tokens: 1, total_tokens: promptTokens + 1, prompt_tokens_details: { cached_tokens: cached } },
          }),
        );
      };
      if (up.delayMs > 0) setTimeout(answer, up.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  up.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return up;
}

/**
 * Two models of the same predicted quality: `cheap-x` costs less per input token, `cached-y`
 * a little more, but a tenth of that for cached input. Without a cached prefix the router
 * picks cheap-x; with cached-y holding the prompt's prefix, cached-y is cheaper.
 */
export function busTestConfig(o: { upstream?: string; executorId?: string; bus?: Record<string, unknown> } = {}): Record<string, unknown> {
  const base = o.upstream ?? 'http://127.0.0.1:9/v1';
  const model = (id: string, prices: Record<string, number>) => ({
    id,
    provider: 'openai-compatible',
    quality: { benchmark: 0.7, source: 'synthetic test score, 2026' },
    prices,
    context_window: 128000,
    max_output_tokens: 4096,
    capabilities: ['streaming'],
    latency: { ttft_ms: 300, output_tokens_per_second: 100 },
    deployments: [{ name: 'upstream', base_url: base, region: 'local' }],
  });
  return {
    executor: {
      simulate_without_credentials: false,
      retry_attempts: 1,
      attempt_timeout_ms: 5000,
      breaker: { window_ms: 10_000, min_calls: 3, failure_rate: 0.5, open_ms: 300 },
    },
    bus: {
      health_interval_ms: 250,
      health_ttl_ms: 2_000,
      announce_interval_ms: 250,
      announce_ttl_ms: 1_500,
      cache_interval_ms: 50,
      min_report_gap_ms: 0,
      prompt_cache: { min_prefix_tokens: 100 },
      ...(o.executorId ? { executor_id: o.executorId } : {}),
      ...o.bus,
    },
    policies: { balanced: { cost_quality_tradeoff: 0.5, max_fallbacks: 1 } },
    models: [model('cheap-x', { input: 1.0, output: 1.0 }), model('cached-y', { input: 1.2, output: 1.0, cached_input: 0.12 })],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-bus-'));
let files = 0;

export async function startNode(role: Role, natsUrl: string, config: Record<string, unknown>): Promise<RunningServer> {
  const file = join(dir, `config-${files++}.yaml`);
  writeFileSync(file, stringify(config));
  return startServer({ role, configPath: file, listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: { NATS_URL: natsUrl } });
}

/** Resolves when `check()` holds, polling every few ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
}


export const longSystem = (tag: string) => `You are the ${tag} assistant. ` + 'Follow the house style guide closely and cite sources. '.repeat(40);
