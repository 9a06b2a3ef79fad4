import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { decide, executeConfig, executeRequest, startExecuteServer, type ExecuteServer } from '../support/execute-fixture.js';

const OPS_KEY = 'ops-key-0123456789abcdef';
const ACME_KEY = 'acme-key-0123456789abcdef';
const HOSTILE = '<img src=x onerror=alert(1)>';
const PROMPT = '<script>alert("prompt")</script> what is 2+2?';

function config(extra: Record<string, unknown>): Record<string, unknown> {
  const c = executeConfig([{ id: 'm1', provider: 'openai-compatible', urls: ['http://127.0.0.1:9/v1'], apiKeyEnv: null, prices: { input: 1, output: 2 }, quality: 0.7 }], { server: { http_listen: '127.0.0.1:0' } });
  return { ...c, decision_log: { store: 'file', flush_interval_ms: 5, file: { dir: join(mkdtempSync(join(tmpdir(), 'switchyard-status-access-')), 'd'), fsync: false } }, ...extra };
}

let keyed: ExecuteServer;
let open: ExecuteServer;
let off: ExecuteServer;
const url = (s: ExecuteServer, path: string) => `http://${s.server.http!.address}${path}`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const basic = (user: string, key: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}` });

beforeAll(async () => {
  keyed = await startExecuteServer(
    config({
      tenants: { ops: { keys: [{ env: 'KEY_OPS' }] }, acme: { keys: [{ env: 'KEY_ACME' }] } },
      status_page: { tenants: ['ops'] },
      router: { default_policy: 'test', prompt_logging: true },
    }),
    { env: { KEY_OPS: OPS_KEY, KEY_ACME: ACME_KEY } },
  );
  open = await startExecuteServer(config({}));
  off = await startExecuteServer(config({ status_page: { enabled: false } }));
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${ACME_KEY}`);
  const { err } = await decide(keyed.client, executeRequest(PROMPT, { labels: { task: HOSTILE } }), { metadata: md });
  expect(err).toBeNull();
  for (let i = 0; i < 1_000 && keyed.server.monitoring!.board.snapshot().decisions === 0; i++) await new Promise((r) => setTimeout(r, 5));
});
afterAll(async () => {
  await Promise.all([keyed?.close(), open?.close(), off?.close()]);
});

describe('status page - who may read it', () => {
  it('with keys configured, no key is 401 with a Basic challenge, so a browser asks for one', async () => {
    for (const path of ['/status', '/status.json']) {
      const res = await fetch(url(keyed, path));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Switchyard status", charset="UTF-8"');
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/API key is required/);
    }
    const wrong = await fetch(url(keyed, '/status'), { headers: basic('ops', 'not-the-key-at-all') });
    expect(wrong.status).toBe(401);
  });

  it("a tenant outside status_page.tenants is refused: the page shows every tenant's traffic", async () => {
    const res = await fetch(url(keyed, '/status.json'), { headers: bearer(ACME_KEY) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('tenant "acme" may not read the status page: list it in status_page.tenants');
  });

  it("a listed tenant's key opens it, as a bearer or as a Basic password (the user name is ignored)", async () => {
    const page = await fetch(url(keyed, '/status'), { headers: bearer(OPS_KEY) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; /);
    const data = await fetch(url(keyed, '/status.json'), { headers: basic('anyone', OPS_KEY) });
    expect(data.status).toBe(200);
    expect(((await data.json()) as { traffic: { decisions: number } }).traffic.decisions).toBe(1);
  });

  it('without keys it is open to loopback clients; status_page.enabled: false removes it', async () => {
    expect((await fetch(url(open, '/status'))).status).toBe(200);
    expect((await fetch(url(off, '/status'))).status).toBe(404);
    expect((await fetch(url(off, '/status.json'))).status).toBe(404);
  });
});

describe('status page - every value is escaped', () => {
  it('a client label and, with prompt logging on, prompt text show as text, never as markup', async () => {
    const html = await (await fetch(url(keyed, '/status'), { headers: bearer(OPS_KEY) })).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;prompt&quot;)&lt;/script&gt; what is 2+2?');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script>alert');
    // The only script is the page's own.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('without prompt logging no prompt text reaches the page', async () => {
    const res = await fetch(url(open, '/status.json'));
    expect(JSON.stringify(await res.json())).not.toContain('prompt":"');
  });
});

describe('status and drift config - errors name the key', () => {
  const base = 'models: [{ id: m1, provider: openai-compatible, quality: { benchmark: 0.7, source: "synthetic, 2026" }, prices: { input: 1, output: 2 }, context_window: 8000, max_output_tokens: 1000, latency: { ttft_ms: 100, output_tokens_per_second: 50 }, deployments: [{ name: d, base_url: "http://x/v1", region: us }] }]\n';
  const problems = (yaml: string) => {
    try {
      parseConfig(base + yaml, 'test.yaml');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('rejects unknown metrics and tenants, bad values and unknown keys', () => {
    expect(problems('drift: { quality_metrics: [{ metric: stars }] }')).toContain('drift.quality_metrics[0].metric: no feedback metric named "stars" (declare it in feedback.metrics)');
    expect(problems('feedback: { metrics: [{ name: solved, type: boolean, per: episode }] }\ndrift: { quality_metrics: [{ metric: solved }] }')).toContain(
      'drift.quality_metrics[0].metric: "solved" is per episode; quality drift needs a per-decision metric',
    );
    expect(problems('feedback: { metrics: [{ name: stars, type: float }] }\ndrift: { quality_metrics: [{ metric: stars, min: 5, max: 1 }] }')).toContain('drift.quality_metrics[0].max: max must be more than min');
    expect(problems('status_page: { tenants: [ops] }')).toContain('status_page.tenants[0]: no tenant named "ops"');
    expect(problems('drift: { quality: { min_drop: 1.5 } }')).toContain('drift.quality.min_drop:');
    expect(problems('drift: { sensitivity: high }')).toContain('drift.sensitivity: unknown key');
    expect(problems('')).toBe('');
  });
});
