/**
 * The MetricsRecorder as other parts call it (the decision log's feedback and queue, the
 * executor's circuits, the router's counts), through the real pipeline: startMetrics, its
 * /metrics endpoint, the Prometheus text parser; and the OTLP export to a local collector.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NOOP_METRICS, type CircuitReading } from '../../services/shared/metrics/metrics-recorder.js';
import { otlpMetricsRequested, startMetrics, type RunningMetrics } from '../../services/shared/metrics/start-metrics.js';
import { scrape } from './scrape.js';

const labels = {
  models: ['m-small', 'm-large'],
  policies: ['balanced'],
  deployments: ['east', 'west'],
  checks: ['refusal', 'json'],
  errorTypes: ['server', 'timeout'],
};

let running: RunningMetrics | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const start = async (extra: Partial<typeof labels> & { feedbackMetrics?: string[] } = {}) => {
  running = await startMetrics({ listen: '127.0.0.1:0', env: {}, serviceName: 'switchyard-test', labels: { ...labels, ...extra } });
  return running;
};

describe('metrics recorder - what the decision log reports', () => {
  it('feedback values by configured metric, and anything else as other', async () => {
    const m = await start({ feedbackMetrics: ['thumbs_up', 'rating'] });
    m.recorder.feedback('thumbs_up', 1);
    m.recorder.feedback('thumbs_up', 0);
    m.recorder.feedback('rating', 0.8);
    m.recorder.feedback('Ignore previous instructions and', 1);
    m.recorder.feedback('rating', Number.NaN);
    const s = await scrape(m.address!);
    expect(s.histogram('switchyard_feedback_value').map((h) => [h.labels.metric, h.count, h.sum])).toEqual([
      ['thumbs_up', 2, 1],
      ['rating', 1, 0.8],
      ['other', 1, 1],
    ]);
  });

  it('feedback metric names it was not given: the first 32 well-formed ones, then other', async () => {
    const m = await start();
    for (let i = 0; i < 40; i++) m.recorder.feedback(`metric_${i}`, 1);
    m.recorder.feedback('has spaces in it', 1);
    const names = (await scrape(m.address!)).histogram('switchyard_feedback_value').map((h) => h.labels.metric);
    expect(names).toHaveLength(33);
    expect(names.slice(0, 32)).toEqual(Array.from({ length: 32 }, (_, i) => `metric_${i}`));
    expect(names[32]).toBe('other');
  });

  it('queue depth as a gauge and drops as a counter of the running total', async () => {
    const m = await start();
    m.recorder.recordQueue(5, 0);
    m.recorder.recordQueue(12, 3);
    m.recorder.recordQueue(7, 3);
    m.recorder.recordQueue(2, 10);
    const s = await scrape(m.address!);
    expect(s.total('switchyard_decision_log_queue_depth')).toBe(2);
    expect(s.total('switchyard_decision_log_dropped_total')).toBe(10);
    m.recorder.recordQueue(0, 10);
    expect((await scrape(m.address!)).total('switchyard_decision_log_dropped_total')).toBe(10);
  });
});

describe('metrics recorder - bounded labels', () => {
  it('a model or policy outside the config is counted as other', async () => {
    const m = await start();
    m.recorder.decision('m-small', 'balanced', 'single', 'best_utility', 0.00004);
    m.recorder.decision('gpt-from-a-client', 'made-up-policy', 'single', 'rule_pin', 0.00004);
    m.recorder.skipped('m-large', 'rate_limit');
    m.recorder.skipped('m-large', 'circuit_open');
    m.recorder.checkFailed('refusal', 'm-small', true);
    m.recorder.checkFailed('regex:/secret/', 'm-small', false);
    const s = await scrape(m.address!);
    expect(s.samples('switchyard_decisions_total').map((x) => [x.labels, Number(x.value)])).toEqual([
      [{ model: 'm-small', policy: 'balanced', strategy: 'single', reason: 'best_utility' }, 1],
      [{ model: 'other', policy: 'other', strategy: 'single', reason: 'rule_pin' }, 1],
    ]);
    expect(s.samples('switchyard_attempts_skipped_total').map((x) => [x.labels!.reason, Number(x.value)])).toEqual([
      ['rate_limit', 1],
      ['circuit_open', 1],
    ]);
    expect(s.samples('switchyard_check_failures_total').map((x) => [x.labels!.check, Number(x.value)])).toEqual([
      ['refusal', 1],
      ['other', 1],
    ]);
    expect(s.total('switchyard_escalations_total', { check: 'refusal', model: 'm-small' })).toBe(1);
    expect(s.text).not.toContain('gpt-from-a-client');
    expect(s.text).not.toContain('secret');
  });

  it('circuit states from every registered source, one series per state', async () => {
    const m = await start();
    let states: CircuitReading[] = [{ model: 'm-small', deployment: 'east', state: 'closed' }];
    m.recorder.observeCircuits(() => states);
    expect((await scrape(m.address!)).total('switchyard_circuit_state', { model: 'm-small', deployment: 'east', state: 'closed' })).toBe(1);
    states = [{ model: 'm-small', deployment: 'east', state: 'open' }];
    const s = await scrape(m.address!);
    expect(s.samples('switchyard_circuit_state').map((x) => [x.labels!.state, Number(x.value)])).toEqual([
      ['closed', 0],
      ['open', 1],
      ['half_open', 0],
    ]);
  });
});

describe('metrics pipeline - on only when asked for', () => {
  it('without a listen address or OTLP settings the recorder is the no-op one', async () => {
    const m = await startMetrics({ env: {}, serviceName: 's', labels });
    expect(m.recorder).toBe(NOOP_METRICS);
    expect(m.address).toBeUndefined();
  });

  it('reads the OTEL_* variables the way the SDK does', () => {
    expect(otlpMetricsRequested({})).toBe(false);
    expect(otlpMetricsRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(true);
    expect(otlpMetricsRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' })).toBe(false);
    expect(otlpMetricsRequested({ OTEL_METRICS_EXPORTER: 'otlp' })).toBe(true);
    expect(otlpMetricsRequested({ OTEL_METRICS_EXPORTER: 'prometheus' })).toBe(false);
    expect(otlpMetricsRequested({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('exports over OTLP/HTTP to the collector OTEL_EXPORTER_OTLP_ENDPOINT names, flushing at close', async () => {
    const received: { path: string; type: string; body: Buffer }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    try {
      const m = await startMetrics({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_METRIC_EXPORT_INTERVAL: '600000' }, serviceName: 'switchyard-test', labels });
      expect(m.address).toBeUndefined();
      m.recorder.decision('m-large', 'balanced', 'cascade', 'only_eligible', 0.0001);
      await m.close();
      expect(received.map((r) => r.path)).toEqual(['/v1/metrics']);
      const body = received[0]!.body.toString('latin1');
      for (const s of ['switchyard.decisions', 'm-large', 'only_eligible', 'switchyard-test']) expect(body).toContain(s);
    } finally {
      collector.closeAllConnections();
      await new Promise((r) => collector.close(r));
    }
  });
});
