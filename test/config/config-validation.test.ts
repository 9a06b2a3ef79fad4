import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../services/shared/config/load-config.js';
import { Catalog } from '../../services/shared/catalog.js';
import { defaultConfigObject } from '../support/router-fixture.js';

function problems(config: unknown): string[] {
  try {
    parseConfig(typeof config === 'string' ? config : stringify(config), 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe('config - the built-in default', () => {
  it('loads and validates without a file', () => {
    const { config, source } = loadConfig();
    expect(source).toMatch(/switchyard\.default\.yaml$/);
    expect(config.models.length).toBeGreaterThanOrEqual(10);
    const providers = new Set(config.models.map((m) => m.provider));
    expect([...providers].sort()).toEqual(['anthropic', 'gemini', 'openai', 'openai-compatible']);
  });

  it('has prices, windows, limits and latency for every model', () => {
    for (const m of loadConfig().config.models) {
      expect(m.context_window, m.id).toBeGreaterThan(m.max_output_tokens);
      expect(m.latency.output_tokens_per_second, m.id).toBeGreaterThan(0);
      if (m.provider !== 'openai-compatible') {
        expect(m.prices.input, m.id).toBeGreaterThan(0);
        expect(m.prices.output, m.id).toBeGreaterThan(m.prices.input);
        expect(m.limits.rpm, m.id).toBeGreaterThan(0);
      }
    }
  });

  it('reads credentials from the environment only, and marks models without them', () => {
    const { config } = loadConfig();
    const withKey = new Catalog(config, { OPENAI_API_KEY: 'sk-test' });
    const without = new Catalog(config, {});
    expect(withKey.get('gpt-4o')!.hasCredentials).toBe(true);
    expect(without.get('gpt-4o')!.hasCredentials).toBe(false);
    expect(without.get('gpt-4o')!.missingCredentials).toEqual(['OPENAI_API_KEY']);
    expect(without.get('gpt-4o')!.simulated).toBe(true);
    expect(without.get('llama-3.1-8b-instruct')!.hasCredentials).toBe(true);
  });
});

describe('config - strict validation names the key', () => {
  it('rejects an unknown top-level key', () => {
    expect(problems({ ...defaultConfigObject(), bogus: 1 })).toEqual(['bogus: unknown key']);
  });

  it('rejects an unknown nested key with its path', () => {
    const c = defaultConfigObject();
    c.models[2].prices.discount = 0.5;
    expect(problems(c)).toEqual(['models[2].prices.discount: unknown key']);
  });

  it('rejects bad values with their path', () => {
    const c = defaultConfigObject();
    c.models[0].context_window = -5;
    c.models[1].capabilities = ['telepathy'];
    c.models[3].deployments[0].base_url = 'ftp://example.com';
    c.policies.balanced.cost_quality_tradeoff = 2;
    const p = problems(c);
    expect(p.some((x) => x.startsWith('models[0].context_window:'))).toBe(true);
    expect(p.some((x) => x.startsWith('models[1].capabilities[0]:'))).toBe(true);
    expect(p.some((x) => x.startsWith('models[3].deployments[0].base_url:'))).toBe(true);
    expect(p.some((x) => x.startsWith('policies.balanced.cost_quality_tradeoff:'))).toBe(true);
  });

  it('explains a malformed quality prior', () => {
    const c = defaultConfigObject();
    c.models[0].quality = { profile: 'x', benchmark: 0.5 };
    expect(problems(c)[0]).toMatch(/^models\[0\]\.quality: must be one of/);
  });

  it('a benchmark prior must state its source, with a date', () => {
    const c = defaultConfigObject();
    const i = c.models.findIndex((m: { id: string }) => m.id === 'gpt-5');
    delete c.models[i].quality.source;
    c.models[i + 1].quality.source = 'MMLU-Pro leaderboard';
    const p = problems(c);
    expect(p).toContain(`models[${i}].quality.source: required for a benchmark prior: name the benchmark and its date, e.g. "MMLU-Pro ~0.87, Artificial Analysis leaderboard, 2025-08"`);
    expect(p).toContain(`models[${i + 1}].quality.source: "MMLU-Pro leaderboard" states no date: add the year the score was published or read`);
  });

  it('models whose scores put them in different tiers may not share a profile', () => {
    const c = defaultConfigObject();
    const mini = c.models.findIndex((m: { id: string }) => m.id === 'gpt-5-mini');
    c.models[mini].quality.like = 'gemini-1.5-pro-002'; // gpt-5's profile: a same-price-family neighbour's, not its tier's
    expect(problems(c)).toContain(
      `models[${mini}].quality.like: "gemini-1.5-pro-002" already predicts gpt-5, a frontier model, and gpt-5-mini is mid by its score; models of different tiers need different profiles`,
    );
  });

  it('rejects duplicate ids and references to unknown models and policies', () => {
    const c = defaultConfigObject();
    c.models[1].id = c.models[0].id;
    c.rules = [
      { name: 'r1', match: { user_tier: ['free'] }, action: { pin: 'no-such-model' } },
      { name: 'r2', action: { policy: 'nope' } },
      { name: 'r3', action: {} },
    ];
    c.router.default_policy = 'missing';
    const p = problems(c);
    expect(p).toContain(`models[1].id: duplicate model id "${c.models[0].id}"`);
    expect(p).toContain('rules[0].action.pin: unknown model "no-such-model"');
    expect(p).toContain('rules[1].action.policy: no policy named "nope"');
    expect(p).toContain('rules[2].action: names no action (pin, restrict, exclude, policy or strategy)');
    expect(p.some((x) => x.startsWith('router.default_policy: no policy named "missing"'))).toBe(true);
  });

  it('rejects pin_hard without a pin, pin_fallbacks without pin_hard, and a bad on_final_check_failure', () => {
    const c = defaultConfigObject();
    c.rules = [
      { name: 'h1', action: { pin_hard: true, policy: c.router.default_policy } },
      { name: 'h2', action: { pin: c.models[0].id, pin_fallbacks: true } },
    ];
    const p = problems(c);
    expect(p).toContain('rules[0].action.pin_hard: needs pin (the model to pin)');
    expect(p).toContain('rules[1].action.pin_fallbacks: needs pin_hard: true (a soft pin always has fallbacks)');
    const d = defaultConfigObject();
    d.policies[d.router.default_policy].on_final_check_failure = 'shrug';
    expect(problems(d).some((x) => x.startsWith(`policies.${d.router.default_policy}.on_final_check_failure:`))).toBe(true);
  });

  it('rejects YAML errors and duplicate keys', () => {
    expect(problems('models: [\n')[0]).toMatch(/^YAML line 2:/);
    expect(problems('server:\n  listen: a\n  listen: b\nmodels: []\n')[0]).toMatch(/^YAML line 3: Map keys must be unique/);
  });

  it('rejects a secret-looking key in the file: keys come only from the environment', () => {
    const c = defaultConfigObject();
    c.models[0].deployments[0].api_key = 'sk-123';
    expect(problems(c)).toEqual(['models[0].deployments[0].api_key: unknown key']);
  });

  it('reports an unreadable file by its path', () => {
    expect(() => loadConfig('/nonexistent/switchyard.yaml')).toThrow(/\/nonexistent\/switchyard\.yaml[\s\S]*ENOENT/);
  });
});
