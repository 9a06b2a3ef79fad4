import { describe, expect, it } from 'vitest';
import { ProviderShiftDetector, type ProviderShiftAlarm } from '../../services/evaluation/provider-shift.js';
import { populationStabilityIndex, psiThreshold, TrafficMixDetector, type TrafficMixAlarm } from '../../services/evaluation/traffic-mix.js';
import { Prng } from '../../services/train/prng.js';

const STEP_MS = 100;

describe('evaluation - provider shift on the same model name', () => {
  function replay(seed: number, requests: number, change?: { from: number; errorRate?: number; tokens?: number }) {
    const rng = new Prng(seed);
    const lengths = new Prng(seed + 1_000);
    const detector = new ProviderShiftDetector();
    const alarms: Array<ProviderShiftAlarm & { at: number }> = [];
    for (let i = 0; i < requests; i++) {
      const changed = change !== undefined && i >= change.from;
      const errorRate = changed && change.errorRate !== undefined ? change.errorRate : 0.02;
      const meanTokens = changed && change.tokens !== undefined ? change.tokens : 300;
      const error = rng.next() < errorRate;
      const tokens = Math.max(1, Math.round(meanTokens * Math.exp(0.5 * lengths.normal())));
      for (const a of detector.observe({ model: 'gpt-x', error, refusal: rng.next() < 0.01, truncated: rng.next() < 0.03, ...(error ? {} : { outputTokens: tokens }), atMs: i * STEP_MS })) alarms.push({ ...a, at: i });
    }
    return alarms;
  }

  it('flags a rise of the error rate from 2% to 10%, once, with what changed and since when', () => {
    const alarms = replay(7, 4_000, { from: 2_000, errorRate: 0.1 });
    expect(alarms.map((a) => a.measure)).toEqual(['error_rate']);
    const [a] = alarms;
    expect(a!.at).toBeGreaterThanOrEqual(2_000);
    expect(a!.at).toBeLessThan(2_500);
    expect(a!.current).toBeGreaterThan(a!.baseline);
    expect(a!.message).toMatch(/^gpt-x: error rate rose from \d+\.\d% to \d+\.\d% since 1970-01-01T00:0/);
  });

  it('flags answers that became much shorter', () => {
    const alarms = replay(8, 4_000, { from: 2_000, tokens: 120 });
    const length = alarms.filter((a) => a.measure === 'answer_length');
    expect(length).toHaveLength(1);
    expect(length[0]!.direction).toBe('down');
    expect(length[0]!.message).toMatch(/answers became shorter: about \d+ output tokens before, \d+ since/);
  });

  it('raises nothing over ten minutes of steady answers', () => {
    const noisy = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30].flatMap((seed) => replay(seed, 6_000).map((a) => `${seed}: ${a.message} @${a.at}`));
    expect(noisy).toEqual([]);
  });
});

describe('evaluation - traffic mix against the training distribution', () => {
  const REFERENCE = { segment: { chat: 5_000, code: 3_000, math: 2_000 }, language: { en: 9_000, de: 600, ja: 400 } };

  function draw(rng: Prng, shares: Record<string, number>): string {
    let u = rng.next();
    for (const [bin, p] of Object.entries(shares)) {
      u -= p;
      if (u < 0) return bin;
    }
    return Object.keys(shares).at(-1)!;
  }

  function replay(seed: number, windows: number, segmentShares: Record<string, number>) {
    const rng = new Prng(seed);
    const detector = new TrafficMixDetector(REFERENCE);
    const alarms: TrafficMixAlarm[] = [];
    for (let i = 0; i < windows * 1_000; i++) {
      const features = { segment: draw(rng, segmentShares), language: draw(rng, { en: 0.9, de: 0.06, ja: 0.04 }) };
      alarms.push(...detector.observe(features, i * STEP_MS));
    }
    return alarms;
  }

  it('PSI is zero for the same shares and grows with the shift; the threshold shrinks with more data', () => {
    expect(populationStabilityIndex({ a: 10, b: 30 }, { a: 1, b: 3 })).toBeCloseTo(0, 10);
    expect(populationStabilityIndex({ a: 50, b: 50 }, { a: 90, b: 10 })).toBeGreaterThan(populationStabilityIndex({ a: 50, b: 50 }, { a: 60, b: 40 }));
    expect(psiThreshold(3, 10_000, 10_000, 0.001)).toBeLessThan(psiThreshold(3, 1_000, 10_000, 0.001));
  });

  it('a shift toward one segment is flagged in the first window after it, naming the feature and the bins that moved', () => {
    const alarms = replay(3, 2, { chat: 0.2, code: 0.1, math: 0.7 });
    expect(alarms.map((a) => a.feature)).toEqual(['segment', 'segment']);
    expect(alarms[0]!.moved[0]!.bin).toBe('math');
    expect(alarms[0]!.message).toMatch(/^traffic mix by segment moved from the training distribution \(PSI \d+\.\d\d\): math 20% → 7\d%/);
  });

  it('traffic drawn from the training distribution raises nothing over ten windows', () => {
    expect(replay(4, 10, { chat: 0.5, code: 0.3, math: 0.2 })).toEqual([]);
  });
});
