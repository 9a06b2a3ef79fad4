/**
 * Record equivalence: the record encoded straight from a decision (RecordEncoder) decodes equal
 * to the one built as an object and encoded by protobufjs reflection (RecordBuilder.build +
 * encodeEntry), for many decisions: scripts, labels, policies, strategies, capabilities, every
 * source, successes, failures, checks and prompt logging on and off. The prompt hash is the
 * SHA-256 it always was. The listeners' view (RecordBuilder.view) holds what the record holds
 * in each field it has, and what the status board and drift monitor read of it is the same.
 * The index fields the encoder takes from a decision are those the index reads from its bytes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../../services/shared/contracts/invoke.js';
import { parseConfig } from '../../services/shared/config/load-config.js';
import { stringify } from 'yaml';
import { RecordBuilder, type PendingRecord } from '../../services/router/record/build-record.js';
import { promptHash } from '../../services/router/record/prompt-hash.js';
import { RecordEncoder } from '../../services/router/record/record-encoder.js';
import { entryFields } from '../../services/router/record/entry-index-fields.js';
import { decodeEntry, encodeEntry } from '../../services/router/record/record-codec.js';
import { ExecuteFailedError, type ExecuteResult } from '../../services/router/execute/execute-types.js';
import type { RecordView } from '../../services/router/record/record-view.js';
import { answerObservations, qualityTarget, recordSegment, trafficFeatures } from '../../services/evaluation/record-signals.js';
import { decideRequest, message, userMessage } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  f = await routerFixture();
});
afterAll(() => f.models.close());

const PROMPTS = [
  'Prove that there are infinitely many primes.',
  'Écris un poème sur la mer, avec des rimes riches.',
  '用三句话解释量子纠缠。',
  'Напиши функцию сортировки слиянием на Python.',
  'def f(x):\n    return x * 2  # fix the bug, my key is sk-abcdefghijklmnopqrstuvwxyz',
  'Summarise: the meeting is moved to Friday; write to ann@example.com.',
  `Translate this long letter: ${'Chère Anne, ça va très bien. '.repeat(800)}`,
];

function requests() {
  const out: ReturnType<typeof decideRequest>[] = [];
  PROMPTS.forEach((text, i) => {
    out.push(decideRequest(text));
    out.push(decideRequest(text, { labels: { tenant: `t${i}`, userTier: 'pro', task: i % 2 ? 'code' : '', session: `s${i}`, extra: { team: 'blue', region: 'eu' } } }));
    out.push(decideRequest(text, { policy: ['balanced', 'quality', 'economy', 'fast', 'cascade'][i % 5]!, maxOutputTokens: 100 * i }));
    out.push(decideRequest(text, { messages: [message('ROLE_SYSTEM', 'Be brief.'), userMessage(text), message('ROLE_ASSISTANT', 'Sure.'), userMessage('And more?')] }));
    out.push(decideRequest(text, { strategy: i % 2 ? 'STRATEGY_CASCADE' : 'STRATEGY_SPECULATIVE' }));
    out.push(decideRequest(text, { responseFormat: { type: 'RESPONSE_FORMAT_TYPE_JSON_OBJECT', schemaName: '', schemaJson: '' } }));
  });
  return out;
}

const attempt = (o: Partial<AttemptInfo>): AttemptInfo => ({
  model: 'x',
  deployment: 'd',
  step: 'primary',
  outcome: 'success',
  error: '',
  latencyMs: 12.5,
  usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 10, cacheWriteTokens: 0 },
  costUsd: 0.0012,
  check: '',
  ...o,
});

/** Execute endings for a decision: success, success after a fallback and a check, failures. */
function endings(d: PendingRecord['decision']): Omit<PendingRecord, 'decision' | 'timeUnixMs'>[] {
  const chosen = d.response.model!;
  const other = d.response.fallbacks![0] ?? chosen;
  const result = (attempts: AttemptInfo[], model: string, extra: Partial<ExecuteResult> = {}): ExecuteResult => ({
    decision: d,
    model,
    message: { text: 'The answer; mail me at bob@example.com', toolCalls: [] },
    finishReason: 'stop',
    usage: attempts[0]!.usage,
    costUsd: 0,
    attempts,
    ...extra,
  });
  return [
    { source: 'decide' },
    { source: 'execute', result: result([attempt({ model: chosen })], chosen, { responseModel: 'gpt-x-2025', systemFingerprint: 'fp_1' }), latencyMs: 40 },
    {
      source: 'execute_stream',
      result: result([attempt({ model: chosen, outcome: 'retryable_error', error: 'rate limited', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 }, costUsd: 0 }), attempt({ model: other, step: 'fallback', ttftMs: 7.25 })], other, { finishReason: 'length' }),
      latencyMs: 55.5,
      ttftMs: 9,
    },
    { source: 'execute', result: result([attempt({ model: chosen, step: 'cascade', outcome: 'rejected', check: 'refusal: failed' }), attempt({ model: other, step: 'cascade', check: 'refusal: passed' })], other), latencyMs: 80 },
    { source: 'execute', error: new ExecuteFailedError({ kind: 'timeout', message: 'too slow', retryable: true }, [attempt({ model: chosen, outcome: 'fatal_error', error: 'timeout' })]), latencyMs: 3000 },
    { source: 'execute_stream', error: new DOMException('the client cancelled the call', 'AbortError'), latencyMs: 5 },
    { source: 'execute', error: new Error('boom'), latencyMs: 1 },
  ];
}

function setup(promptLogging: boolean) {
  const config = parseConfig(stringify({ ...defaultConfigObject(), router: { ...defaultConfigObject().router, prompt_logging: promptLogging } }), 'test config');
  const builder = new RecordBuilder(config, f.catalog);
  return { builder, encoder: new RecordEncoder(config, builder, builder.hash) };
}

function check(promptLogging: boolean): number {
  const { builder, encoder } = setup(promptLogging);
  let compared = 0;
  for (const req of requests()) {
    const decision = f.decider.decide(req);
    for (const end of endings(decision)) {
      const p: PendingRecord = { ...end, decision, timeUnixMs: 1_760_000_000_000 + compared };
      const fresh = decodeEntry(encoder.encode(p));
      const reference = decodeEntry(encodeEntry({ record: builder.build(p) }));
      expect(fresh).toBeDefined();
      expect(fresh).toEqual(reference);
      compared++;
    }
  }
  return compared;
}

describe('record encoder - equal to the reference build and encode', () => {
  it('for many decisions and endings, prompt logging off', () => {
    expect(check(false)).toBe(PROMPTS.length * 6 * 7);
  });

  it('for many decisions and endings, prompt logging on (text redacted the same)', () => {
    expect(check(true)).toBe(PROMPTS.length * 6 * 7);
  });

  it('records a streamed attempt\'s time to first token', () => {
    const decision = f.decider.decide(decideRequest('Hello there'));
    const [, , streamed] = endings(decision);
    const r = decodeEntry(setup(false).encoder.encode({ ...streamed!, decision, timeUnixMs: 1 }))!.record!;
    expect(r.outcome!.attempts.map((a) => a.ttftMs)).toEqual([0, 7.25]);
    expect(r.outcome!.ttftMs).toBe(9);
  });
});

describe('record encoder - one buffer for a caller that copies at once', () => {
  it('writes the bytes encode writes, each record over the last', () => {
    const { encoder } = setup(false);
    let before: Uint8Array | undefined;
    for (const req of requests()) {
      const decision = f.decider.decide(req);
      for (const end of endings(decision)) {
        const p: PendingRecord = { ...end, decision, timeUnixMs: 1_760_000_000_000 };
        const bytes = encoder.encodeTransient(p);
        expect(Buffer.from(bytes).equals(Buffer.from(encoder.encode(p)))).toBe(true);
        if (before) expect(bytes.buffer === before.buffer && bytes.byteOffset === before.byteOffset).toBe(bytes.length <= 64 * 1024);
        before = bytes;
      }
    }
  });
});

describe('record encoder - index fields taken from the decision', () => {
  it('equal those read back from the record\'s bytes, for many decisions and endings', () => {
    const { encoder } = setup(false);
    let compared = 0;
    for (const req of requests()) {
      const decision = f.decider.decide(req);
      for (const end of endings(decision)) {
        const p: PendingRecord = { ...end, decision, timeUnixMs: 1_760_000_000_000 + compared };
        expect(encoder.fields(p)).toEqual(entryFields(encoder.encode(p)));
        compared++;
      }
    }
    expect(compared).toBe(PROMPTS.length * 6 * 7);
  });
});

/** What listeners read of a record: each field of the view, and the drift signals drawn from it. */
function read(r: RecordView) {
  const { decisionId, timeUnixMs, labels, policy, routerModel, model, reason, outcome, prompt } = r;
  return {
    fields: { decisionId, timeUnixMs, labels, policy, routerModel, model, reason, outcome, prompt },
    features: { estimatedInputTokens: r.features?.estimatedInputTokens, script: r.features?.script },
    candidates: (r.candidates ?? []).map((c) => [c.model, c.predictedQuality]),
    signals: [recordSegment(r), trafficFeatures(r, 'seg'), answerObservations(r, 5), qualityTarget(r)],
  };
}

describe('record view - what listeners are given', () => {
  for (const promptLogging of [false, true])
    it(`reads as the built record reads, prompt logging ${promptLogging ? 'on' : 'off'}`, () => {
      const { builder } = setup(promptLogging);
      let compared = 0;
      for (const req of requests()) {
        const decision = f.decider.decide(req);
        for (const end of endings(decision)) {
          const p: PendingRecord = { ...end, decision, timeUnixMs: 1_760_000_000_000 + compared };
          const built = builder.build(p);
          const view = builder.view(p);
          expect(read(view)).toEqual(read({ ...built, outcome: built.outcome ?? null }));
          compared++;
        }
      }
      expect(compared).toBe(PROMPTS.length * 6 * 7);
    });
});

describe('prompt hash', () => {
  it('is SHA-256 over each role and text, NUL-terminated', () => {
    const messages = [
      { role: 'system' as const, content: [{ type: 'text' as const, text: 'Be brief.' }] },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi ' }, { type: 'text' as const, text: 'there — 你好' }] },
    ];
    const h = createHash('sha256');
    for (const m of messages) h.update(m.role).update('\0').update(m.content.map((c) => c.text).join('')).update('\0');
    expect(promptHash(messages)).toBe(h.digest('hex'));
  });
});
