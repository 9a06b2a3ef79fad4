import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { ExecuteResponse } from '../../services/generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamResponse } from '../../services/generated/switchyard/v1/ExecuteStreamResponse.js';
import { seededRandom } from '../../services/bench/random-model.js';
import { encodeExecuteResponse, encodeExecuteStreamResponse } from '../../services/router/execute-response-wire.js';
import { switchyardProto } from '../../services/shared/grpc/proto.js';
import { randomDecideResponse } from './random-decide-response.js';

const service = switchyardProto().definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition;
const execute = service.Execute!;
const stream = service.ExecuteStream!;

const FINISH = ['FINISH_REASON_UNSPECIFIED', 'FINISH_REASON_STOP', 'FINISH_REASON_LENGTH', 'FINISH_REASON_TOOL_CALLS', 'FINISH_REASON_ERROR', 'FINISH_REASON_OTHER'] as const;
const OUTCOMES = ['ATTEMPT_OUTCOME_SUCCESS', 'ATTEMPT_OUTCOME_REJECTED', 'ATTEMPT_OUTCOME_RETRYABLE_ERROR', 'ATTEMPT_OUTCOME_FATAL_ERROR', 'ATTEMPT_OUTCOME_SKIPPED'] as const;
const CHECKS = ['CHECK_STATUS_UNSPECIFIED', 'CHECK_STATUS_PASSED', 'CHECK_STATUS_FAILED'] as const;

function randomExecuteResponse(rand: () => number): ExecuteResponse {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const word = () => pick(['', 'gpt-4o', 'primary', 'eu-west', 'modèle-é', '中文', 'y'.repeat(150), `w${Math.floor(rand() * 1e6)}`]);
  const num = () => pick([0, -0, 1, 0.25, rand(), 1e-9, 4321.5, Number.MAX_VALUE]);
  const tokens = () => pick([0, 1, 127, 128, 70_000, 2 ** 32 + 3, 2 ** 50]);
  const usage = () => (rand() < 0.1 ? null : { inputTokens: tokens(), outputTokens: tokens(), cachedInputTokens: tokens(), cacheWriteTokens: tokens() });
  const toolCall = () => ({ id: word(), name: word(), argumentsJson: pick(['', '{}', '{"city":"Zürich"}', `{"x":"${'z'.repeat(400)}"}`]) });
  return {
    decisionId: pick(['', '0190f5c2-7f3a-7c1e-8a2b-9f0e1d2c3b4a']),
    model: word(),
    message: rand() < 0.1 ? null : { text: pick(['', 'Hello.', 'é'.repeat(300), word()]), toolCalls: Array.from({ length: Math.floor(rand() * 3) }, toolCall) },
    finishReason: pick(FINISH),
    usage: usage(),
    costUsd: num(),
    attempts: Array.from({ length: Math.floor(rand() * 4) }, () => ({
      model: word(),
      deployment: word(),
      step: pick(['primary', 'fallback', 'cascade', '']),
      outcome: pick(OUTCOMES),
      error: pick(['', 'HTTP 503 from the provider', 'e'.repeat(200)]),
      latencyMs: num(),
      usage: usage(),
      costUsd: num(),
      check: pick(['', 'refusal: passed']),
    })),
    decision: rand() < 0.1 ? null : randomDecideResponse(rand),
    checkStatus: pick(CHECKS),
    checkReason: pick(['', 'json_schema: missing "name"']),
    responseModel: word(),
    systemFingerprint: pick(['', 'fp_44709d6fcb']),
  };
}

function randomStreamEvent(rand: () => number): ExecuteStreamResponse {
  const r = rand();
  if (r < 0.25) return { decision: randomDecideResponse(rand) };
  if (r < 0.5) return { textDelta: ['', 'Hel', 'ö', 'x'.repeat(300)][Math.floor(rand() * 4)]! };
  if (r < 0.75) return { toolCall: { id: 'call_1', name: 'get_weather', argumentsJson: rand() < 0.5 ? '' : '{"city":"Paris"}' } };
  return { done: randomExecuteResponse(rand) };
}

describe('Execute responses written directly', () => {
  it('ExecuteResponse decodes with proto-loader to the same message as protobufjs’s encoding, for many responses', () => {
    const rand = seededRandom(20261203);
    let compared = 0;
    for (let i = 0; i < 500; i++) {
      const r = randomExecuteResponse(rand);
      expect(execute.responseDeserialize(encodeExecuteResponse(r))).toEqual(execute.responseDeserialize(execute.responseSerialize(r)));
      compared++;
    }
    expect(compared).toBe(500);
  });

  it('each ExecuteStream event decodes to the same message as protobufjs’s encoding, an empty text delta included', () => {
    const rand = seededRandom(99);
    const events = [{ textDelta: '' }, ...Array.from({ length: 400 }, () => randomStreamEvent(rand))];
    for (const ev of events) {
      expect(stream.responseDeserialize(encodeExecuteStreamResponse(ev))).toEqual(stream.responseDeserialize(stream.responseSerialize(ev)));
    }
    expect(stream.responseDeserialize(encodeExecuteStreamResponse({ textDelta: '' }))).toMatchObject({ event: 'textDelta', textDelta: '' });
  });

  it('gives each response its own bytes, though the writer is reused', () => {
    const rand = seededRandom(5);
    const a = randomExecuteResponse(rand);
    const bytesA = encodeExecuteResponse(a);
    encodeExecuteStreamResponse({ done: randomExecuteResponse(rand) });
    expect(execute.responseDeserialize(bytesA)).toEqual(execute.responseDeserialize(execute.responseSerialize(a)));
  });
});
