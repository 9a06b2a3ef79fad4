import { describe, expect, it } from 'vitest';
import { RegexCheck } from '../../services/router/execute/checks/regex-check.js';
import { ctx, input } from './support.js';

describe('regex - must match', () => {
  const check = new RegexCheck({ pattern: '^(?:positive|negative|neutral)$', flags: 'i' });

  it('passes a matching answer and fails another', async () => {
    expect(check.name).toBe('regex:/^(?:positive|negative|neutral)$/i');
    expect(await check.run(input('Positive'), ctx())).toMatchObject({ pass: true });
    const v = await check.run(input('The sentiment is mostly positive.'), ctx());
    expect(v).toEqual({ check: check.name, pass: false, detail: 'the answer does not match /^(?:positive|negative|neutral)$/i' });
  });

  it('is stateless across calls (no g flag)', async () => {
    const repeat = new RegexCheck({ pattern: 'ok', flags: 'g' });
    for (let i = 0; i < 3; i++) expect((await repeat.run(input('ok'), ctx())).pass).toBe(true);
  });
});

describe('regex - must not match', () => {
  const check = new RegexCheck({ pattern: '\\b(?:TODO|lorem ipsum)\\b', must_match: false });

  it('fails an answer with a placeholder and passes one without', async () => {
    expect(check.name).toBe('regex!:/\\b(?:TODO|lorem ipsum)\\b/');
    expect(await check.run(input('def parse():\n    # TODO\n    pass'), ctx())).toMatchObject({ pass: false, detail: expect.stringMatching(/which it must not$/) });
    expect(await check.run(input('def parse():\n    return json.loads(s)'), ctx())).toMatchObject({ pass: true });
  });
});
