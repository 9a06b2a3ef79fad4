/**
 * What the router reads from an Execute's attempt trail into metrics: cost per model, moves
 * to a fallback, failed checks and the escalation they caused, skipped attempts by reason,
 * prompt-cache hits, the reference model's cost and the saving.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RpcTelemetry } from '../../services/router/rpc-telemetry.js';
import type { Decision } from '../../services/router/decide/decide.js';
import type { ExecuteResult } from '../../services/router/execute/execute-types.js';
import { Catalog } from '../../services/shared/catalog.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import type { AttemptInfo } from '../../services/shared/contracts/invoke.js';
import { createLogger } from '../../services/shared/log.js';
import { NOOP_METRICS, type MetricsRecorder } from '../../services/shared/metrics/metrics-recorder.js';
import { executeConfig, FAKE_KEYS, PRICES, expectedCost, type TestModel } from '../support/execute-fixture.js';
import { trace } from '@opentelemetry/api';

const models: TestModel[] = [
  { id: 'cheap-openai', provider: 'openai', urls: ['http://127.0.0.1:1/v1'], prices: { ...PRICES.cheap }, quality: 0.6 },
  { id: 'mid-anthropic', provider: 'anthropic', urls: ['http://127.0.0.1:1'], prices: { ...PRICES.mid }, quality: 0.7 },
  { id: 'top-compat', provider: 'openai-compatible', urls: ['http://127.0.0.1:1/v1'], prices: { ...PRICES.top }, quality: 0.9 },
];
const config = parseConfig(stringify(executeConfig(models, { policies: { careful: { strategy: 'cascade', checks: ['refusal', 'json'] } } })), 'test');
const catalog = new Catalog(config, { ...FAKE_KEYS });

/** A recorder that writes down every call. */
function recording(): { recorder: MetricsRecorder; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const recorder = new Proxy({ ...NOOP_METRICS, enabled: true }, {
    get: (target, key) => (key === 'enabled' ? true : typeof key === 'string' && key in target ? (...args: unknown[]) => void calls.push([key, ...args]) : undefined),
  }) as MetricsRecorder;
  return { recorder, calls };
}

const usage = (input: number, output: number, cached = 0) => ({ inputTokens: input, outputTokens: output, cachedInputTokens: cached, cacheWriteTokens: 0 });
const attempt = (a: Partial<AttemptInfo> & Pick<AttemptInfo, 'model' | 'step' | 'outcome'>): AttemptInfo => ({ deployment: 'd1', error: '', latencyMs: 5, usage: usage(0, 0), costUsd: 0, check: '', ...a });

function decision(policy: string): Decision {
  return {
    response: {
      decisionId: 'd-1',
      model: 'cheap-openai',
      policy,
      candidates: [
        { model: 'cheap-openai', eligible: true, predictedQuality: 0.6, estimatedCostUsd: 0.001 },
        { model: 'mid-anthropic', eligible: true, predictedQuality: 0.7, estimatedCostUsd: 0.002 },
        // The most capable model, but excluded: not the reference.
        { model: 'top-compat', eligible: false, predictedQuality: 0.9, estimatedCostUsd: 0.004 },
      ],
    },
    request: { labels: { tenant: 't' }, allowModels: null },
    plan: { strategy: policy === 'careful' ? 'cascade' : 'single' },
    // The most capable eligible model (top-compat is excluded): the reference.
    mostCapable: 'mid-anthropic',
  } as unknown as Decision;
}

const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
const lines: string[] = [];
const log = createLogger('t', {}, (l) => lines.push(l));

describe('metrics - read from the attempt trail', () => {
  it('a single strategy: a skipped deployment, a failover, a cache hit, cost and savings', () => {
    const { recorder, calls } = recording();
    let t = 0;
    const telemetry = new RpcTelemetry({ metrics: recorder, log, catalog, config, now: () => (t += 250) });
    const answer = usage(1000, 100, 800);
    const cost = expectedCost({ input: 1000, output: 100, cached: 800 }, PRICES.mid);
    const result: ExecuteResult = {
      decision: decision('test'),
      model: 'mid-anthropic',
      message: { text: 'x', toolCalls: [] },
      finishReason: 'stop',
      usage: answer,
      costUsd: cost,
      attempts: [
        attempt({ model: 'cheap-openai', step: 'primary', outcome: 'skipped', error: 'rate limited (rpm; room in 3 s)' }),
        attempt({ model: 'cheap-openai', step: 'primary', outcome: 'skipped', error: 'circuit open' }),
        attempt({ model: 'mid-anthropic', step: 'fallback', outcome: 'retryable_error', error: 'HTTP 529' }),
        attempt({ model: 'mid-anthropic', step: 'fallback', outcome: 'success', usage: answer, costUsd: cost }),
      ],
    };
    telemetry.executed('Execute', result, telemetry.now(), span);
    const reference = expectedCost({ input: 1000, output: 100, cached: 800 }, PRICES.mid);
    expect(calls).toEqual([
      ['operation', { requestModel: 'switchyard/test', policy: 'test', responseModel: 'mid-anthropic', provider: 'anthropic', seconds: 0.25, inputTokens: 1000, outputTokens: 100 }],
      ['skipped', 'cheap-openai', 'rate_limit'],
      ['skipped', 'cheap-openai', 'circuit_open'],
      ['fallback', 'test', 'mid-anthropic'],
      ['cost', 'mid-anthropic', 'test', cost],
      ['promptCacheHit', 'mid-anthropic', 800],
      // The reference is the most capable eligible candidate, mid-anthropic here: no saving.
      ['reference', 'test', expect.closeTo(reference, 12), expect.closeTo(reference - cost, 12)],
    ]);
    const line = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ rpc: 'Execute', status: 'OK', decision_id: 'd-1', model: 'mid-anthropic', trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
  });

  it('a cascade: the rejected answer counts each failed check, and one escalation', () => {
    const { recorder, calls } = recording();
    const telemetry = new RpcTelemetry({ metrics: recorder, log, catalog, config, now: () => 0 });
    const result: ExecuteResult = {
      decision: decision('careful'),
      model: 'mid-anthropic',
      message: { text: 'x', toolCalls: [] },
      finishReason: 'stop',
      usage: usage(20, 10),
      costUsd: 0,
      attempts: [
        attempt({ model: 'cheap-openai', step: 'cascade', outcome: 'rejected', check: 'refusal: fail (opens with a refusal); json: fail (not JSON: json: fail)' }),
        attempt({ model: 'mid-anthropic', step: 'cascade', outcome: 'success', check: 'refusal: pass (none); json: pass (valid)' }),
      ],
    };
    telemetry.executed('Execute', result, 0, span);
    expect(calls.filter((c) => c[0] === 'checkFailed')).toEqual([
      ['checkFailed', 'refusal', 'cheap-openai', true],
      ['checkFailed', 'json', 'cheap-openai', false],
    ]);
    expect(calls.filter((c) => c[0] === 'fallback')).toEqual([]);
  });
});
