import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../services/bench/random-model.js';
import { encodeDecideResponse } from '../../services/router/decide/decide-response-wire.js';
import { switchyardProto } from '../../services/shared/grpc/proto.js';
import { randomDecideResponse as randomResponse } from './random-decide-response.js';

const decide = (switchyardProto().definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition).Decide!;

describe('DecideResponse written directly', () => {
  it('decodes with proto-loader to the same message as protobufjs’s encoding, for many responses', () => {
    const rand = seededRandom(20261202);
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const r = randomResponse(rand);
      const direct = decide.responseDeserialize(encodeDecideResponse(r));
      const reference = decide.responseDeserialize(decide.responseSerialize(r));
      expect(direct).toEqual(reference);
      compared++;
    }
    expect(compared).toBe(600);
  });

  it('gives each response its own bytes, though the writer is reused', () => {
    const rand = seededRandom(7);
    const a = randomResponse(rand);
    const b = randomResponse(rand);
    const bytesA = encodeDecideResponse(a);
    encodeDecideResponse(b);
    expect(decide.responseDeserialize(bytesA)).toEqual(decide.responseDeserialize(decide.responseSerialize(a)));
  });
});
