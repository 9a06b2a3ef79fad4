import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSpecSchema, describeCheckSpec } from '../../services/shared/config/check-spec.js';

function problems(spec: unknown): string[] {
  const r = z.strictObject({ checks: z.array(checkSpecSchema) }).safeParse({ checks: [spec] });
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('check spec - valid specs', () => {
  it('accepts the built-in names and the three parameterised checks, with defaults', () => {
    const specs = ['refusal', 'hedging', 'empty', 'truncated', 'json', { regex: { pattern: '^\\d+$' } }, { confidence: { min: 7 } }, { judge: { model: 'gpt-4.1-mini', min_score: 7.5 } }];
    const parsed = z.array(checkSpecSchema).parse(specs);
    expect(parsed[5]).toEqual({ regex: { pattern: '^\\d+$', must_match: true } });
    expect(parsed[7]).toEqual({ judge: { model: 'gpt-4.1-mini', min_score: 7.5 } });
  });

  it('keeps must_match false and the flags', () => {
    expect(checkSpecSchema.parse({ regex: { pattern: 'lorem ipsum', flags: 'i', must_match: false } })).toEqual({
      regex: { pattern: 'lorem ipsum', flags: 'i', must_match: false },
    });
  });

  it('labels specs for plans and verdicts', () => {
    expect(describeCheckSpec('refusal')).toBe('refusal');
    expect(describeCheckSpec({ regex: { pattern: 'x+', flags: 'i', must_match: false } })).toBe('regex!:/x+/i');
    expect(describeCheckSpec({ confidence: { min: 6 } })).toBe('confidence>=6');
    expect(describeCheckSpec({ judge: { model: 'claude-haiku', min_score: 8 } })).toBe('judge:claude-haiku>=8');
  });
});

describe('check spec - errors name the problem', () => {
  it('an unknown name', () => {
    expect(problems('sentiment')).toEqual([expect.stringMatching(/^checks\.0: unknown check "sentiment": must be a check name \(refusal, hedging, empty, truncated, json\)/)]);
  });

  it('a pattern that does not compile', () => {
    expect(problems({ regex: { pattern: '(unclosed' } })).toEqual([expect.stringMatching(/^checks\.0\.regex\.pattern: does not compile: Invalid regular expression/)]);
  });

  it('flags that do not compile, and the stateful g flag', () => {
    expect(problems({ regex: { pattern: 'a', flags: 'ii' } })).toEqual([expect.stringMatching(/regex\.pattern: does not compile: .*flags/i)]);
    expect(problems({ regex: { pattern: 'a', flags: 'gi' } })).toEqual([expect.stringMatching(/regex\.flags: must be made of i, m, s, u, v/)]);
  });

  it('a pattern of the wrong type, inside the branch its key names', () => {
    expect(problems({ regex: { pattern: 42 } })).toEqual([expect.stringMatching(/^checks\.0: regex\.pattern: Invalid input: expected string/)]);
  });

  it('scores outside 1..10', () => {
    expect(problems({ confidence: { min: 11 } })).toEqual([expect.stringMatching(/^checks\.0\.confidence\.min: Too big/)]);
    expect(problems({ judge: { model: 'm', min_score: 0 } })).toEqual([expect.stringMatching(/^checks\.0\.judge\.min_score: Too small/)]);
  });

  it('a missing judge model', () => {
    expect(problems({ judge: { min_score: 7 } })).toEqual([expect.stringMatching(/^checks\.0: judge\.model: Invalid input/)]);
  });

  it('unknown keys inside a check', () => {
    expect(problems({ confidence: { min: 7, max: 9 } })).toEqual([expect.stringMatching(/^checks\.0\.confidence: Unrecognized key: "max"/)]);
  });

  it('an object with no known key, or two', () => {
    expect(problems({ sentiment: { min: 1 } })).toEqual([expect.stringMatching(/^checks\.0: must be a check name .* or an object with one key: regex, confidence, judge \(got keys: sentiment\)/)]);
    expect(problems({ regex: { pattern: 'a' }, confidence: { min: 3 } })).toEqual([expect.stringMatching(/got keys: regex, confidence/)]);
    expect(problems(7)).toEqual([expect.stringMatching(/^checks\.0: must be a check name/)]);
  });
});
