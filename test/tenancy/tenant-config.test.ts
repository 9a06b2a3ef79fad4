import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { tenancyConfig } from './support.js';

const parse = (tenants: Record<string, unknown>, extra: Record<string, unknown> = {}) => () => parseConfig(stringify(tenancyConfig('http://127.0.0.1:9/v1', tenants, extra)), 'test.yaml');

describe('config - tenants, keys and TLS', () => {
  it('accepts the shipped example', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const { PACKAGE_ROOT } = await import('../../services/shared/config/load-config.js');
    const c = parseConfig(readFileSync(resolve(PACKAGE_ROOT, 'config/examples/tenants.yaml'), 'utf8'), 'tenants.yaml');
    expect(c.tenants.acme!.regions).toEqual(['eu']);
    expect(c.tenants.acme!.budget.daily_usd).toBe(1);
    expect(c.policies[c.tenants.acme!.default_policy!]!.strategy).toBe('cascade');
    expect(c.tenants.globex!.models).toBeUndefined();
  });

  it('errors name the key: unknown model, unknown policy, a bad hash, a key in plain text, a bad tenant name', () => {
    expect(parse({ a: { keys: [{ env: 'K' }], models: ['nope'] } })).toThrow('tenants.a.models[0]: unknown model "nope"');
    expect(parse({ a: { keys: [{ env: 'K' }], policies: ['nope'] } })).toThrow('tenants.a.policies[0]: no policy named "nope"');
    expect(parse({ a: { keys: [{ env: 'K' }], policies: ['economy'] } })).toThrow('tenants.a.default_policy: required when');
    expect(parse({ a: { keys: [{ sha256: 'abc' }] } })).toThrow(/tenants\.a\.keys\[0\]/);
    expect(parse({ a: { keys: [{ key: 'sk-plain' }] } })).toThrow(/tenants\.a\.keys\[0\]/);
    expect(parse({ 'a b': { keys: [{ env: 'K' }] } })).toThrow(/tenants/);
    expect(parse({ a: { keys: [{ env: 'K' }], budget: { daily_usd: -1 } } })).toThrow(/tenants\.a\.budget\.daily_usd/);
    expect(parse({ a: { keys: [{ env: 'K' }], budgets: {} } })).toThrow('tenants.a.budgets: unknown key');
  });

  it('TLS: cert and key go together; unknown keys are named', () => {
    expect(parse({}, { server: { tls: { cert_file: 'c.pem' } } })).toThrow(/server\.tls\.key_file/);
    expect(parse({}, { executor: { tls: { ca_file: 'ca.pem', cert_file: 'c.pem' } } })).toThrow('executor.tls.key_file: cert_file and key_file go together');
    expect(parse({}, { server: { tls: { cert_file: 'c', key_file: 'k', verify: true } } })).toThrow('server.tls.verify: unknown key');
  });
});
