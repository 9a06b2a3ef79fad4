/**
 * Configuration files for the benchmark servers, written to a temporary folder: a catalog of
 * `n` models for Decide at scale, and one model on a local upstream for Execute. Both run
 * without simulation and with prompt logging off; the router model is the shipped one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const BASE = {
  router: { default_policy: 'balanced', prompt_logging: false },
  executor: { simulate_without_credentials: false },
  policies: { balanced: { cost_quality_tradeoff: 0.6, max_fallbacks: 3 } },
};

/** The model the Execute benchmark calls. */
export const UPSTREAM_MODEL = 'bench-upstream';

function model(id: string, i: number, baseUrl: string): Record<string, unknown> {
  // Spread quality, price and speed so that the policy has real trade-offs to weigh.
  const q = 0.3 + ((i * 37) % 60) / 100;
  return {
    id,
    provider: 'openai-compatible',
    quality: { benchmark: Number(q.toFixed(2)), source: 'synthetic score, 2026' },
    prices: { input: Number((0.05 + ((i * 13) % 50) / 10).toFixed(2)), output: Number((0.2 + ((i * 17) % 60) / 4).toFixed(2)) },
    context_window: 2_000_000,
    max_output_tokens: 8192,
    capabilities: ['tools', 'json_output', 'streaming'],
    languages: ['*'],
    latency: { ttft_ms: 100 + ((i * 7) % 20) * 50, output_tokens_per_second: 40 + ((i * 11) % 12) * 10 },
    deployments: [{ name: 'local', base_url: baseUrl, region: 'local' }],
  };
}

export class BenchConfigs {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-bench-config-'));

  /** `n` models that Decide can choose among; nothing is ever called (the URL is unused). */
  catalog(n: number): string {
    const models = Array.from({ length: n }, (_, i) => model(`bench-model-${String(i).padStart(4, '0')}`, i, 'http://127.0.0.1:9/v1'));
    return this.write(`catalog-${n}.yaml`, { ...BASE, models });
  }

  /** One model served by the upstream at `baseUrl`. */
  upstream(baseUrl: string, name: string): string {
    return this.write(`upstream-${name}.yaml`, { ...BASE, models: [model(UPSTREAM_MODEL, 0, baseUrl)] });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private write(name: string, value: unknown): string {
    const file = join(this.dir, name);
    writeFileSync(file, stringify(value));
    return file;
  }
}
