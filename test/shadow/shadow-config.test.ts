/** The `shadow` config section: off by default, strict, and every error names its key. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../services/shared/config/load-config.js';
import { shadowOn } from '../../services/shared/config/shadow-schema.js';
import { defaultConfigObject } from '../support/router-fixture.js';

function problems(shadow: unknown, metrics: unknown[] = [{ name: 'shadow_win', type: 'float' }]): string[] {
  const config = defaultConfigObject();
  config.shadow = shadow;
  config.feedback = { metrics };
  try {
    parseConfig(stringify(config), 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

const ON = { share: 0.1, reference_model: 'gpt-5', judge_model: 'claude-sonnet-4-5', daily_budget_usd: 5 };

describe('config - shadow', () => {
  it('is off by default', () => {
    const { shadow } = loadConfig().config;
    expect(shadowOn(shadow)).toBe(false);
    expect(shadow).toMatchObject({ share: 0, policies: {}, metric: 'shadow_win', queue_size: 256, concurrency: 2 });
  });

  it('accepts shares per policy and segment with a reference, a judge and a budget', () => {
    expect(problems({ ...ON, policies: { balanced: { share: 0.2, segments: { code: 0.5 } }, economy: { share: 0 } } })).toEqual([]);
  });

  it('a share above 0 needs a reference model, a judge model and a daily budget', () => {
    expect(problems({ share: 0.1 })).toEqual([
      'shadow.reference_model: required when a shadow share is above 0',
      'shadow.judge_model: required when a shadow share is above 0',
      'shadow.daily_budget_usd: required when a shadow share is above 0',
    ]);
    expect(problems({ policies: { balanced: { segments: { code: 1 } } } })).toHaveLength(3);
  });

  it('names unknown models, unknown policies, bad shares and unknown keys', () => {
    expect(problems({ ...ON, reference_model: 'gpt-9' })).toEqual(['shadow.reference_model: unknown model "gpt-9"']);
    expect(problems({ ...ON, policies: { nightly: { share: 0.5 } } })).toEqual(['shadow.policies.nightly: no policy named "nightly"']);
    expect(problems({ ...ON, share: 1.5 })[0]).toMatch(/^shadow\.share: /);
    expect(problems({ ...ON, policies: { balanced: { segments: { code: -0.1 } } } })[0]).toMatch(/^shadow\.policies\.balanced\.segments\.code: /);
    expect(problems({ ...ON, judge: 'x' })).toEqual(['shadow.judge: unknown key']);
    expect(problems({ ...ON, daily_budget_usd: 0 })[0]).toMatch(/^shadow\.daily_budget_usd: /);
  });

  it('the grade metric must be declared in feedback.metrics as a float per decision', () => {
    expect(problems(ON, [])).toEqual(['shadow.metric: "shadow_win" is not declared in feedback.metrics (add { name: shadow_win, type: float })']);
    expect(problems(ON, [{ name: 'shadow_win', type: 'boolean' }])).toEqual(['shadow.metric: feedback metric "shadow_win" must be a float per decision (type: float, per: decision)']);
    expect(problems({ ...ON, metric: 'judge_pref' }, [{ name: 'judge_pref', type: 'float' }])).toEqual([]);
  });
});
