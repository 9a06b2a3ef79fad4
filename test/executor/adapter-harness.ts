/**
 * What the adapter and SDK-truth suites share: a fake's life around a suite, the one request a
 * test expects it to have received, a stream collected to its end, and a call's ProviderError.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ProviderError } from '../../services/executor/providers/errors.js';
import type { ChatRequest, ProviderAdapter, ProviderEndpoint, StreamEvent } from '../../services/shared/contracts/provider.js';
import type { RecordedRequest } from '../fakes/fake-contract.js';

interface LivingFake {
  requests: RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** Starts the fake before the suite, hands it to `started`, forgets its requests before each test and closes it after. */
export function useFake<F extends LivingFake>(start: () => Promise<F>, started: (fake: F) => void): void {
  let fake: F | undefined;
  beforeAll(async () => {
    fake = await start();
    started(fake);
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => fake?.reset());
}

/** The only request the fake received, which must keep to the provider's wire format. */
export function onlyRequest(fake: LivingFake): RecordedRequest {
  expect(fake.requests).toHaveLength(1);
  const request = fake.requests[0] as RecordedRequest;
  expect(request.problems).toEqual([]);
  return request;
}

/** A signal generous enough for a loaded machine; tests assert outcomes, never the time taken. */
export const testSignal = (): AbortSignal => AbortSignal.timeout(10_000);

export async function collectStream(adapter: ProviderAdapter, endpoint: ProviderEndpoint, request: ChatRequest): Promise<StreamEvent[]> {
  const { events } = await adapter.stream(endpoint, request, testSignal());
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The ProviderError a call rejects with; fails the test when it answers. */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a rejection, got an answer');
}
