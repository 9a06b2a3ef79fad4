import { describe, expect, it } from 'vitest';
import { cusumThreshold, expectedDetectionDelay, siegmundArl } from '../../services/evaluation/cusum.js';
import { QUALITY_DRIFT_DEFAULTS, QualityDriftDetector, type QualityDriftAlarm } from '../../services/evaluation/quality-drift.js';
import { Prng } from '../../services/train/prng.js';

const MODELS = ['economy', 'middle', 'flagship'];
const SEGMENTS = ['chat', 'code', 'math', 'law', 'health'];
const BASE: Record<string, number> = { economy: 0.55, middle: 0.7, flagship: 0.82 };
/** 10 requests a second: one every 100 ms of the injected clock. */
const STEP_MS = 100;
const OPTIONS = QUALITY_DRIFT_DEFAULTS;

interface Drop {
  model: string;
  segment: string;
  fromRequest: number;
}

/** A replayed stream of graded answers: each answer's predicted quality, and its outcome drawn from it (less the drop). */
function* traffic(seed: number, requests: number, drop?: Drop): Generator<{ i: number; model: string; segment: string; predicted: number; observed: number; atMs: number }> {
  const rng = new Prng(seed);
  for (let i = 0; i < requests; i++) {
    const segment = SEGMENTS[rng.int(SEGMENTS.length)]!;
    const model = drop && segment === drop.segment ? drop.model : MODELS[rng.int(MODELS.length)]!;
    const predicted = Math.min(0.98, Math.max(0.02, BASE[model]! + (rng.next() - 0.5) * 0.3));
    const dropped = drop !== undefined && i >= drop.fromRequest && model === drop.model && segment === drop.segment;
    const p = dropped ? predicted - 0.15 : predicted;
    yield { i, model, segment, predicted, observed: rng.next() < p ? 1 : 0, atMs: i * STEP_MS };
  }
}

describe('evaluation - CUSUM threshold from a stated false-alarm rate', () => {
  it('the threshold gives the stated in-control run length, and a larger ARL0 a higher threshold', () => {
    const k = 0.15;
    const h = cusumThreshold(k, 100_000);
    expect(siegmundArl(-k, h)).toBeCloseTo(100_000, -2);
    expect(cusumThreshold(k, 1_000_000)).toBeGreaterThan(h);
    // A drop of 0.15 on answers with a standard deviation near 0.45 is a third of a sigma.
    expect(expectedDetectionDelay({ shiftSigmas: 0.15 / 0.45, arl0: 100_000 })).toBeLessThan(250);
  });

  it('rejects a spec that cannot work', () => {
    expect(() => cusumThreshold(0, 1000)).toThrow(/allowance/);
    expect(() => cusumThreshold(0.1, 1)).toThrow(/arl0/);
  });
});

describe('evaluation - quality drift per model and segment', () => {
  /** Runs one replayed stream; returns the requests of the dropped segment seen before its first alarm, and every alarm. */
  function replay(seed: number, requests: number, drop?: Drop) {
    const detector = new QualityDriftDetector(OPTIONS);
    const alarms: Array<QualityDriftAlarm & { at: number }> = [];
    let segmentRequestsAfterDrop = 0;
    let flaggedAfter: number | undefined;
    for (const a of traffic(seed, requests, drop)) {
      if (drop && a.i >= drop.fromRequest && a.segment === drop.segment) segmentRequestsAfterDrop++;
      const alarm = detector.observe(a);
      if (!alarm) continue;
      alarms.push({ ...alarm, at: a.i });
      if (drop && alarm.model === drop.model && alarm.segment === drop.segment && a.i >= drop.fromRequest) flaggedAfter ??= segmentRequestsAfterDrop;
    }
    return { detector, alarms, flaggedAfter };
  }

  it('a drop of 0.15 on one model and segment at 10 requests a second is flagged within 500 requests of that segment (20 replays)', () => {
    const drop: Drop = { model: 'middle', segment: 'math', fromRequest: 6_000 };
    const delays: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { alarms, flaggedAfter } = replay(seed, 15_000, drop);
      delays.push(flaggedAfter ?? Number.POSITIVE_INFINITY);
      const first = alarms.find((x) => x.model === 'middle' && x.segment === 'math' && x.at >= drop.fromRequest);
      if (!first) continue;
      expect(first.baseline - first.current).toBeGreaterThan(0.05);
      // The change is dated where its run began: near the drop, at or before the alarm.
      expect(first.sinceMs).toBeLessThanOrEqual(first.raisedAtMs);
      expect(first.sinceMs).toBeGreaterThanOrEqual((drop.fromRequest - 2_000) * STEP_MS);
      expect(first.message).toMatch(/^middle on math: observed quality fell from 0\.\d\d to 0\.\d\d \(0\.\d\d lower/);
    }
    delays.sort((a, b) => a - b);
    // Measured over these 20 replays: the median delay is about 200 requests of the segment.
    expect(delays[9]!).toBeLessThanOrEqual(300);
    expect(delays.filter((d) => d <= 500).length).toBeGreaterThanOrEqual(18);
    expect(delays.every((d) => Number.isFinite(d))).toBe(true);
  });

  it('ten-minute runs at 10 requests a second without drift raise no alarm (20 replays, 6,000 requests each)', () => {
    const runsWithAlarm: number[] = [];
    for (let seed = 101; seed <= 120; seed++) {
      const { detector, alarms } = replay(seed, 6_000);
      expect(detector.size).toEqual({ streams: MODELS.length * SEGMENTS.length, ready: MODELS.length * SEGMENTS.length });
      if (alarms.length > 0) runsWithAlarm.push(seed);
    }
    // arl0 = 20,000 graded answers per stream: about one false alarm in 50 such runs, at most.
    expect(runsWithAlarm).toEqual([]);
  });
});
