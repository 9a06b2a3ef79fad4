/**
 * What a stream's progress adds to the bill: output received that no outcome billed, and
 * never the prompt twice.
 */
import { expect, it } from 'vitest';
import { Catalog } from '../../services/shared/catalog.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import type { InvokeFailure, InvokeInput } from '../../services/shared/contracts/invoke.js';
import { StreamProgress } from '../../services/router/execute/stream-progress.js';
import { stringify } from 'yaml';
import { tenancyConfig } from '../tenancy/support.js';

const catalog = new Catalog(parseConfig(stringify(tenancyConfig('http://127.0.0.1:9/v1', {})), 'progress'), {});
const input: InvokeInput = { model: 'us-model', request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }], maxOutputTokens: 200 }, allowedRegions: [], decisionId: 'd1', step: 'primary' };
const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o, cachedInputTokens: 0, cacheWriteTokens: 0 });
const failed = (i: number, o: number): InvokeFailure => ({ ok: false, model: 'us-model', usage: usage(i, o), costUsd: 0, attempts: [], error: { kind: 'stream_interrupted', message: 'cut', retryable: true } });

it('a stream left after 8 characters adds the prompt estimate and 2 output tokens', () => {
  const p = new StreamProgress(input, catalog);
  p.observe({ type: 'start', deployment: 'd1' });
  p.observe({ type: 'text-delta', text: '12345678' });
  const u = p.unbilled();
  expect(u?.usage.outputTokens).toBe(2);
  expect(u?.usage.inputTokens).toBeGreaterThan(0);
  expect(u?.costUsd).toBeGreaterThan(0);
});

it('a failure that billed the prompt but no output adds only the output received', () => {
  const p = new StreamProgress(input, catalog);
  p.observe({ type: 'text-delta', text: '12345678' });
  p.observe({ type: 'error', partial: true, outcome: failed(40, 0) });
  expect(p.unbilled()?.usage).toEqual(usage(0, 2));
});

it('a failure that billed neither adds the prompt estimate as well', () => {
  const p = new StreamProgress(input, catalog);
  p.observe({ type: 'text-delta', text: '1234' });
  p.observe({ type: 'error', partial: true, outcome: failed(0, 0) });
  expect(p.unbilled()?.usage.inputTokens).toBeGreaterThan(0);
  expect(p.unbilled()?.usage.outputTokens).toBe(1);
});

it('a failure that billed output, an answer, or a stream with no output adds nothing', () => {
  const billed = new StreamProgress(input, catalog);
  billed.observe({ type: 'text-delta', text: 'abc' });
  billed.observe({ type: 'error', partial: true, outcome: failed(40, 1) });
  expect(billed.unbilled()).toBeUndefined();
  const empty = new StreamProgress(input, catalog);
  empty.observe({ type: 'start', deployment: 'd1' });
  expect(empty.unbilled()).toBeUndefined();
});
