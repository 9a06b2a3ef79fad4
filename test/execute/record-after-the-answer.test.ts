/**
 * A transport that answers first (the gRPC Execute handler) hands the engine an AfterAnswer:
 * the call's record is then made when that transport runs it, not before `execute` settles,
 * and it carries the call's own latency and outcome. Without one the record is made at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecuteEngine, type ExecuteRecorder } from '../../services/router/execute/execute-engine.js';
import { ExecuteFailedError } from '../../services/router/execute/execute-types.js';
import { decideRequest } from '../support/requests.js';
import { executeConfig, inProcessEngine, standardModels, startStandardFakes, type InProcessEngine, type StandardFakes } from '../support/execute-fixture.js';

let fakes: StandardFakes;
let e: InProcessEngine;

beforeAll(async () => {
  fakes = await startStandardFakes();
  e = await inProcessEngine(executeConfig(standardModels(fakes)));
});
afterAll(async () => {
  e?.close();
  await fakes?.close();
});

function engineRecordingInto(recorded: Parameters<ExecuteRecorder>[0][]): ExecuteEngine {
  return new ExecuteEngine({ decider: e.decider, executor: e.executor, config: e.config, catalog: e.catalog, record: (d) => recorded.push(d) });
}

const request = () => decideRequest('Name the largest moon of Saturn.', { requirements: { allowModels: ['cheap-openai'] } });

describe('execute - the record after the answer', () => {
  it('is made when the transport runs the task it was handed, with the answer it recorded', async () => {
    fakes.reset();
    const recorded: Parameters<ExecuteRecorder>[0][] = [];
    const tasks: (() => void)[] = [];
    const result = await engineRecordingInto(recorded).execute(request(), new AbortController(), undefined, undefined, (task) => tasks.push(task));
    expect(recorded).toEqual([]);
    expect(tasks).toHaveLength(1);
    tasks[0]!();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.source).toBe('execute');
    expect(recorded[0]!.result).toBe(result);
    expect(recorded[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('is handed over for a call that failed too, with its error', async () => {
    fakes.reset();
    fakes.cheap.script({ status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } });
    const recorded: Parameters<ExecuteRecorder>[0][] = [];
    const tasks: (() => void)[] = [];
    const failed = await engineRecordingInto(recorded)
      .execute(request(), new AbortController(), undefined, undefined, (task) => tasks.push(task))
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(ExecuteFailedError);
    expect(recorded).toEqual([]);
    tasks[0]!();
    expect(recorded.map((r) => r.error)).toEqual([failed]);
  });

  it('is made before execute settles when no transport asks to run it', async () => {
    fakes.reset();
    const recorded: Parameters<ExecuteRecorder>[0][] = [];
    const result = await engineRecordingInto(recorded).execute(request(), new AbortController());
    expect(recorded.map((r) => r.result)).toEqual([result]);
  });
});
