/**
 * A router model trained from the record carries the record's traffic (header training.traffic,
 * counted as the drift monitor counts live records), and the drift monitor measures traffic-mix
 * drift against it, following the model in service when it changes. A model trained from a
 * routing-data file carries none: benchmark questions are not traffic.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { trainFromLogCommand } from '../../services/evaluation/from-log-commands.js';
import { decodeRouterModel, type RouterModel } from '../../services/router/model/router-model-file.js';
import { InProcessBus } from '../../services/shared/bus/in-process-bus.js';
import { loadConfig } from '../../services/shared/config/load-config.js';
import { driftSection } from '../../services/shared/config/monitoring-section.js';
import { createLogger } from '../../services/shared/log.js';
import { NOOP_METRICS } from '../../services/shared/metrics/metrics-recorder.js';
import { modelsOf, type RoutingPrompt } from '../../services/shared/routing-data.js';
import { startMonitoring, type RouterModelInService } from '../../services/status/start-monitoring.js';
import { trainOnData } from '../../services/train/train-from-data.js';
import { record, STEP_MS } from './drift-records.js';

let clock = 0;
const now = () => clock;

/**
 * The i-th decision of a traffic pattern that repeats every 40: task family `code` on a
 * `codeShare` of them (else `lookup`), a third short (40 tokens) and the rest 300, one in ten in
 * Cyrillic, half on segment math and half on chat.
 */
function decision(i: number, codeShare = 0.25) {
  const k = i % 40;
  const family = k < 40 * codeShare ? 'code' : 'lookup';
  const model = k % 2 === 0 ? 'a' : 'b';
  const r = record({ i, model, segment: k % 4 < 2 ? 'math' : 'chat', predicted: 0.6, reason: `${model}: best utility; task: ${family} (hard)`, tokens: k % 3 === 0 ? 40 : 300 });
  return { ...r, features: { ...r.features, script: k % 10 === 9 ? 'cyrillic' : 'latin' } };
}

/** 40 logged decisions as `switchyard decisions tail --json` writes them, each graded. */
function logFile(dir: string): string {
  const lines = Array.from({ length: 40 }, (_, i) => {
    const r = decision(i);
    const view = {
      record: {
        ...r,
        promptHash: `p${i}`,
        policy: 'serving',
        prompt: [{ role: 'ROLE_USER', text: `question ${i}: ${r.reason} on ${r.labels?.task}` }],
        candidates: [{ model: r.model, predictedQuality: 0.6, eligible: true, choiceProbability: 1 }],
      },
      feedback: [{ decisionId: r.decisionId, metric: 'correct', value: i % 3 === 0 ? 0 : 1 }],
    };
    return JSON.stringify(view);
  });
  const file = join(dir, 'log.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const LOG_TRAFFIC = {
  task_family: { code: 10, lookup: 30 },
  // k % 3 === 0 for 14 of 0..39.
  length: { '<64': 14, '256-1k': 26 },
  language: { latin: 36, cyrillic: 4 },
  segment: { math: 20, chat: 20 },
};

let trained: Promise<{ model: RouterModel; out: string }> | undefined;
/** The model trained from the log (once per file). */
const trainedFromLog = () => {
  trained ??= trainFromLog();
  return trained;
};

async function trainFromLog(): Promise<{ model: RouterModel; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-training-traffic-'));
  const file = join(dir, 'challenger.syrm');
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errors = '';
  out.on('data', (c: Buffer) => {
    text += c.toString();
  });
  err.on('data', (c: Buffer) => {
    errors += c.toString();
  });
  const code = await trainFromLogCommand(['--from-log', logFile(dir), '--metric', 'correct', '--out', file, '--epochs', '1', '--dim', '4'], out, err);
  expect(errors).toBe('');
  expect(code).toBe(0);
  const bytes = readFileSync(file);
  return { model: decodeRouterModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), out: text };
}

/** A model in service whose training the test changes, telling the monitoring as ModelStore does. */
function inService(training: Readonly<Record<string, unknown>>): RouterModelInService & { swap(t: Readonly<Record<string, unknown>>): void } {
  const listeners = new Set<() => void>();
  let current = training;
  return {
    get training() {
      return current;
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    swap(t) {
      current = t;
      for (const l of listeners) l();
    },
  };
}

function monitoring(routerModel: RouterModelInService) {
  const loaded = loadConfig();
  const config = { ...loaded.config, drift: driftSection.parse({ traffic: { window: 200 } }) };
  const log = createLogger('test', { SWITCHYARD_LOG_LEVEL: 'error' }, () => undefined);
  return startMonitoring({ config, configSource: loaded.source, modelFile: loaded.modelFile, routerModel, bus: new InProcessBus(), metrics: NOOP_METRICS, log, models: () => [], keyed: false, now });
}

describe('training traffic - the drift reference a router model carries', () => {
  it('train --from-log writes the log traffic, counted by the drift monitor functions, into the model', async () => {
    const { model, out } = await trainedFromLog();
    expect(model.header.training.traffic).toEqual(LOG_TRAFFIC);
    expect(out).toContain('drift reference: the traffic of 40 logged decisions');
  });

  it('a model trained from a routing-data file carries no traffic reference', () => {
    const prompts: RoutingPrompt[] = Array.from({ length: 12 }, (_, i) => ({
      id: `q${i}`,
      prompt: `benchmark question ${i}`,
      segment: i % 2 === 0 ? 'math' : 'law',
      outcomes: { a: { quality: i % 3 === 0 ? 0 : 1, input_tokens: 50, output_tokens: 10, cost_usd: 0.001 }, b: { quality: 1, input_tokens: 50, output_tokens: 10, cost_usd: 0.01 } },
    }));
    const model = trainOnData({ prompts, models: modelsOf(prompts), sources: [{ file: 'bench.jsonl', sha256: '', prompts: 12 }] }, { epochs: 1, dim: 4 });
    expect(model.header.training.data).toBeDefined();
    expect(model.header.training.traffic).toBeUndefined();
  });

  it('the monitor measures against the model training traffic: a window drawn like the log passes, a shifted task mix alarms', async () => {
    const { model } = await trainedFromLog();
    const m = monitoring(inService(model.header.training));
    expect(m.monitor.referenceSource).toBe("the router model's training traffic");
    expect(m.snapshot().drift.reference).toBe("the router model's training traffic");
    for (let i = 0; i < 200; i++) {
      clock = i * STEP_MS;
      m.monitor.record(decision(i));
    }
    m.monitor.flush();
    expect(m.monitor.alarms()).toEqual([]);
    for (let i = 200; i < 400; i++) {
      clock = i * STEP_MS;
      m.monitor.record(decision(i, 0.75));
    }
    m.monitor.flush();
    expect(m.monitor.alarms().map((a) => `${a.kind}/${a.measure}`)).toEqual(['traffic/task_family']);
    expect(m.monitor.alarms()[0]!.message).toMatch(/^traffic mix by task_family moved from the training distribution \(PSI \d+\.\d\d\): .*code 25% → 75%/);
    m.close();
  });

  it('the reference follows the model in service: a new model traffic replaces it, a model without any brings back the first window', () => {
    const model = inService({ data: [] });
    const m = monitoring(model);
    expect(m.monitor.referenceSource).toBe('learning first window');
    // A promoted model trained on a task mix of 75% code: today's traffic (25%) has drifted from it.
    model.swap({ traffic: { ...LOG_TRAFFIC, task_family: { code: 30, lookup: 10 } } });
    expect(m.monitor.referenceSource).toBe("the router model's training traffic");
    for (let i = 0; i < 200; i++) m.monitor.record(decision(i));
    m.monitor.flush();
    expect(m.monitor.alarms().map((a) => a.measure)).toEqual(['task_family']);
    model.swap({ data: [] });
    expect(m.monitor.referenceSource).toBe('learning first window');
    m.close();
    // Once closed, a later model change no longer reaches the monitor.
    model.swap({ traffic: LOG_TRAFFIC });
    expect(m.monitor.referenceSource).toBe('learning first window');
  });
});
