import { describe, expect, it } from 'vitest';
import { DriftMonitor, type DriftAlarmEvent } from '../../services/evaluation/drift-monitor.js';
import { answerObservations, lengthBucket, taskFamily } from '../../services/evaluation/record-signals.js';
import { driftSection } from '../../services/shared/config/monitoring-section.js';
import { Prng } from '../../services/train/prng.js';
import { record, STEP_MS, uuid } from './drift-records.js';

/** 10 requests a second on an injected clock. */
let clock = 0;
const now = () => clock;

function monitor(over: Record<string, unknown> = {}, reference?: Record<string, Record<string, number>>): { m: DriftMonitor; alarms: DriftAlarmEvent[] } {
  const m = new DriftMonitor({
    config: driftSection.parse({ quality: { warmup: 50 }, ...over }),
    qualityMetrics: [{ metric: 'correct', min: 0, max: 1 }],
    routerId: 'router-test',
    now,
    // Nothing runs until the test flushes: the order of events is the test's.
    schedule: () => undefined,
    ...(reference ? { reference } : {}),
  });
  const alarms: DriftAlarmEvent[] = [];
  m.on((a) => alarms.push(a));
  return { m, alarms };
}

/** Replayed graded traffic on two segments; from `dropAt` on, model a answers math 0.3 worse. */
function replay(m: DriftMonitor, seed: number, n: number, dropAt = Number.POSITIVE_INFINITY, feedbackFirst = false): void {
  const rng = new Prng(seed);
  for (let i = 0; i < n; i++) {
    clock = i * STEP_MS;
    const segment = rng.next() < 0.5 ? 'math' : 'chat';
    const predicted = 0.6 + rng.next() * 0.3;
    const p = i >= dropAt && segment === 'math' ? predicted - 0.3 : predicted;
    const fb = { decisionId: uuid(i), metric: 'correct', value: rng.next() < p ? 1 : 0, timeUnixMs: clock };
    if (feedbackFirst) m.feedback(fb);
    m.record(record({ i, model: 'a', segment, predicted }));
    if (!feedbackFirst) m.feedback(fb);
    m.flush();
  }
}

describe('drift monitor - fed by the decision log', () => {
  it('flags a quality drop on one model and segment, dated near the drop, and nothing before it', () => {
    const { m, alarms } = monitor();
    replay(m, 3, 1_500, 800);
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    const first = alarms[0]!;
    expect(first).toMatchObject({ kind: 'quality', model: 'a', segment: 'math', measure: 'quality', routerId: 'router-test' });
    expect(first.raisedAtMs).toBeGreaterThanOrEqual(800 * STEP_MS);
    expect(first.sinceMs).toBeGreaterThanOrEqual(600 * STEP_MS);
    expect(first.baseline - first.current).toBeGreaterThan(0.1);
    expect(m.alarms()[0]).toBe(first);
    expect(m.active()).toEqual({ quality: 1, provider: 0, traffic: 0 });
    clock += driftSection.parse({}).active_ms + 1;
    expect(m.active().quality).toBe(0);
  });

  it('joins feedback that arrives before its record', () => {
    const { m, alarms } = monitor();
    replay(m, 3, 1_500, 800, true);
    expect(alarms.filter((a) => a.kind === 'quality').map((a) => a.segment)).toContain('math');
    expect(m.stats.qualityStreams).toEqual({ streams: 2, ready: 2 });
  });

  it('a ten-minute run at 10 requests a second without a drop raises no alarm', () => {
    const { m, alarms } = monitor();
    replay(m, 5, 6_000);
    expect(alarms).toEqual([]);
  });

  it('ignores feedback of metrics that do not grade quality, and bounds segments', () => {
    const { m } = monitor({ max_segments: 2 });
    for (let i = 0; i < 10; i++) {
      m.record(record({ i, model: 'a', segment: `s${i}`, predicted: 0.5 }));
      m.feedback({ decisionId: uuid(i), metric: 'correct', value: 1 });
      m.feedback({ decisionId: uuid(i), metric: 'helpful', value: 1 });
    }
    m.flush();
    // s0, s1, then every other segment as one stream, "other".
    expect(m.stats.qualityStreams.streams).toBe(3);
    expect(m.stats.processed).toBe(20);
  });

  it('joins feedback within join_ttl_ms only, and lets go of older decisions at the next purge', () => {
    // Not 0: lru-cache treats an entry stored at time 0 as never stale.
    const t0 = 1_000_000;
    clock = t0;
    const { m } = monitor({ join_ttl_ms: 60_000 });
    m.record(record({ i: 0, model: 'a', segment: 'x', predicted: 0.5 }));
    m.record(record({ i: 1, model: 'a', segment: 'y', predicted: 0.5 }));
    m.flush();
    expect(m.stats.remembered).toBe(2);
    clock = t0 + 59_999;
    m.feedback({ decisionId: uuid(0), metric: 'correct', value: 1 });
    m.flush();
    expect(m.stats.qualityStreams.streams).toBe(1);
    clock = t0 + 60_001;
    m.feedback({ decisionId: uuid(1), metric: 'correct', value: 1 });
    m.flush();
    // Decision 1 is past the window: its feedback grades nothing.
    expect(m.stats.qualityStreams.streams).toBe(1);
    clock = t0 + 66_000;
    m.record(record({ i: 2, model: 'a', segment: 'z', predicted: 0.5 }));
    m.flush();
    // Decision 0 is let go by the purge (a tenth of the window after the last one); 2 is kept.
    expect(m.stats.remembered).toBe(1);
    m.feedback({ decisionId: uuid(2), metric: 'correct', value: 1 });
    m.flush();
    expect(m.stats.qualityStreams.streams).toBe(2);
  });

  it('remembers no decision when no metric grades quality', () => {
    const m = new DriftMonitor({ config: driftSection.parse({}), qualityMetrics: [], routerId: 'router-test', now, schedule: () => undefined });
    for (let i = 0; i < 10; i++) m.record(record({ i, model: 'a', segment: 'x', predicted: 0.5 }));
    m.flush();
    expect(m.stats).toMatchObject({ processed: 10, remembered: 0 });
  });

  it('drops events past its queue, counted, instead of growing', () => {
    const { m } = monitor({ queue_size: 5 });
    for (let i = 0; i < 8; i++) m.record(record({ i, model: 'a', segment: 'x', predicted: 0.5 }));
    expect(m.stats).toMatchObject({ queued: 5, dropped: 3 });
    m.flush();
    expect(m.stats).toMatchObject({ queued: 0, processed: 5 });
  });

  it('flags a provider that starts failing under the same model name', () => {
    const { m, alarms } = monitor({ provider: { warmup: 100 } });
    const rng = new Prng(9);
    for (let i = 0; i < 2_000; i++) {
      clock = i * STEP_MS;
      const failing = rng.next() < (i >= 1_000 ? 0.25 : 0.02);
      const attempts = failing ? [{ model: 'a', status: 'retryable_error' }, { model: 'b', status: 'success', usage: { outputTokens: 200 } }] : undefined;
      const r = record({ i, model: failing ? 'b' : 'a', segment: 'x', predicted: 0.5, ...(attempts ? { attempts } : {}) });
      m.record(r);
      m.flush();
    }
    const provider = alarms.filter((a) => a.kind === 'provider');
    expect(provider.map((a) => `${a.model}/${a.measure}`)).toEqual(['a/error_rate']);
    expect(provider[0]!.raisedAtMs).toBeGreaterThanOrEqual(1_000 * STEP_MS);
    expect(provider[0]!.message).toMatch(/^a: error rate rose from \d+\.\d% to \d+\.\d% since /);
  });

  it('flags traffic moving from the reference, or from the first window when none is given', () => {
    const reference = { task_family: { lookup: 900, code: 100 } };
    const { m, alarms } = monitor({ traffic: { window: 200 } }, reference);
    expect(m.referenceSource).toBe('the reference file');
    // A reference file stays when the router model in service changes.
    m.useModelReference({ task_family: { code: 1 } });
    expect(m.referenceSource).toBe('the reference file');
    for (let i = 0; i < 400; i++) {
      const family = i < 200 ? (i % 10 === 0 ? 'code' : 'lookup') : i % 2 === 0 ? 'code' : 'lookup';
      m.record(record({ i, model: 'a', segment: 'x', predicted: 0.5, reason: `a: best; task: ${family} (hard)` }));
    }
    m.flush();
    expect(alarms.map((a) => `${a.kind}/${a.measure}`)).toEqual(['traffic/task_family']);
    expect(alarms[0]!.message).toMatch(/^traffic mix by task_family moved from the training distribution \(PSI \d+\.\d\d\): .*code 10% → 50%.* since 1970-01-01T00:00:20\.000Z$/);
    expect(alarms[0]!.sinceMs).toBe(200 * STEP_MS);

    const learned = monitor({ traffic: { window: 200 } });
    expect(learned.m.referenceSource).toBe('learning first window');
    for (let i = 0; i < 600; i++) learned.m.record(record({ i, model: 'a', segment: 'x', predicted: 0.5, tokens: i < 400 ? 40 : 5_000 }));
    learned.m.flush();
    expect(learned.m.referenceSource).toBe('first window');
    expect(learned.alarms.map((a) => a.measure)).toEqual(['length']);
    expect(learned.alarms[0]!.message).toMatch(/^traffic mix by length moved from the first 200 requests after start \(PSI /);
  });
});

describe('drift monitor - a reference of more segments than are watched', () => {
  it('folds the reference segments past max_segments into other, as the live ones are, so the same mix raises nothing', () => {
    const reference = { segment: { a: 20, b: 20, c: 10, d: 10 } };
    const { m, alarms } = monitor({ max_segments: 2, traffic: { window: 120 } }, reference);
    for (let i = 0; i < 240; i++) m.record(record({ i, model: 'x', segment: ['a', 'a', 'b', 'b', 'c', 'd'][i % 6]!, predicted: 0.5 }));
    m.flush();
    expect(alarms).toEqual([]);
    // The busiest reference segments are the watched ones; a shift between the folded ones and those still alarms.
    for (let i = 240; i < 360; i++) m.record(record({ i, model: 'x', segment: i % 2 === 0 ? 'c' : 'd', predicted: 0.5 }));
    m.flush();
    expect(alarms.map((a) => a.measure)).toEqual(['segment']);
    expect(alarms[0]!.message).toContain('other 33% → 100%');
  });
});

describe('record signals', () => {
  it('reads the task family from the reason, the length bucket, and each provider call', () => {
    expect(taskFamily(record({ i: 1, model: 'a', segment: 'x', predicted: 0.5, reason: 'a: cheapest within 3%; task: chit-chat (everyday)' }))).toBe('chit-chat');
    expect(taskFamily({ reason: 'no task here' })).toBe('unknown');
    expect([0, 63, 64, 1_000, 4_096, 20_000].map(lengthBucket)).toEqual(['<64', '<64', '64-256', '256-1k', '4k-16k', '16k+']);
    const r = record({
      i: 1,
      model: 'b',
      segment: 'x',
      predicted: 0.5,
      finish: 'FINISH_REASON_LENGTH',
      attempts: [
        { model: 'a', status: 'fatal_error' },
        { model: 'c', status: 'skipped' },
        { model: 'b', status: 'success', usage: { outputTokens: 77 } },
      ],
    });
    expect(answerObservations(r, 5)).toEqual([
      { model: 'a', error: true, refusal: false, truncated: false, atMs: 5 },
      { model: 'b', error: false, refusal: false, truncated: true, outputTokens: 77, atMs: 5 },
    ]);
  });
});
