import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../services/shared/config/load-config.js';
import { defaultConfigObject } from '../support/router-fixture.js';

function problems(promotion: unknown): string[] {
  const c = defaultConfigObject();
  c.router = { ...c.router, model_promotion: promotion };
  try {
    parseConfig(stringify(c), 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe('config - router.model_promotion', () => {
  it('is on by default, with a report every 10 s and a wait of up to 5 s at start', () => {
    expect(loadConfig().config.router.model_promotion).toEqual({ enabled: true, report_interval_ms: 10_000, startup_wait_ms: 5_000 });
    expect(problems({ enabled: false, replica_id: 'router-eu-1', report_interval_ms: 1000, startup_wait_ms: 0 })).toEqual([]);
  });

  it('names the key of a bad value or an unknown key', () => {
    expect(problems({ replica_id: 'eu 1' })).toEqual(['router.model_promotion.replica_id: must be 1-64 letters, digits, - or _']);
    expect(problems({ report_interval_ms: 0 })[0]).toMatch(/^router\.model_promotion\.report_interval_ms: /);
    expect(problems({ bucket: 'x' })).toEqual(['router.model_promotion.bucket: unknown key']);
  });
});
