import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  executeConfig,
  executeRequest,
  execute,
  executeStream,
  standardModels,
  startExecuteServer,
  startStandardFakes,
  type ExecuteServer,
  type StandardFakes,
} from '../support/execute-fixture.js';

let fakes: StandardFakes;
let s: ExecuteServer;

beforeAll(async () => {
  fakes = await startStandardFakes();
  s = await startExecuteServer(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  await s?.close();
  await fakes?.close();
});
beforeEach(() => fakes.reset());

/** OpenAI's answer to a parameter it does not accept. */
const BAD_REQUEST = {
  status: 400,
  body: {
    error: {
      message: "Invalid type for 'messages[0].content[0]': expected an object, but got a string instead.",
      type: 'invalid_request_error',
      param: 'messages[0].content[0]',
      code: 'invalid_type',
    },
  },
};

describe('execute - a 400 bad request goes back to the client', () => {
  it('Execute answers INVALID_ARGUMENT with the provider reason, without retrying or failing over', async () => {
    fakes.cheap.script(BAD_REQUEST);
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(res).toBeUndefined();
    expect(err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err!.details).toContain('bad_request');
    expect(err!.details).toContain('expected an object');
    expect(err!.details).toContain('cheap-openai@d1 [primary] fatal_error');
    expect(fakes.cheap.requests).toHaveLength(1);
    expect([fakes.mid, fakes.upper, fakes.top].map((f) => f.requests.length)).toEqual([0, 0, 0]);
  });

  it('ExecuteStream answers INVALID_ARGUMENT the same way', async () => {
    fakes.cheap.script(BAD_REQUEST);
    const r = await executeStream(s.client, executeRequest('What is the capital of France?'));
    expect(r.err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(r.text).toBe('');
    expect(fakes.cheap.requests).toHaveLength(1);
    expect([fakes.mid, fakes.upper, fakes.top].map((f) => f.requests.length)).toEqual([0, 0, 0]);
  });

  it('a 400 does not count against the model: the next call goes to it again', async () => {
    fakes.cheap.script(BAD_REQUEST, BAD_REQUEST, BAD_REQUEST);
    for (let i = 0; i < 3; i++) expect((await execute(s.client, executeRequest('Hi'))).err!.code).toBe(grpc.status.INVALID_ARGUMENT);
    const { err, res } = await execute(s.client, executeRequest('What is the capital of France?'));
    expect(err).toBeNull();
    expect(res!.model).toBe('cheap-openai');
  });
});
