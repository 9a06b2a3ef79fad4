/**
 * A circuit breaker for one endpoint (one deployment of a model).
 *
 * closed     Calls pass. Outcomes go into a sliding window of `windowMs`, kept in `buckets`
 *            buckets. When the window holds at least `minCalls` calls and the share of failures
 *            reaches `failureRateThreshold`, the breaker opens.
 * open       Calls do not pass for the open period (`openMs`, times `openGrowthFactor` for
 *            every reopening in a row, at most `maxOpenMs`). Then it is half-open.
 * half_open  At most `halfOpenProbes` calls at a time pass, as probes. `probeSuccesses`
 *            successful probes close the breaker (with an empty window and the open period back
 *            at `openMs`); one failed probe opens it again, for a longer period when it grows.
 *
 * Only failures the endpoint is to blame for count. `classify` decides (default
 * `classifyFailure`): an error where retrying can help counts as a failure; a 429 is the rate
 * limiter's business, a cancelled call says nothing and a request that could not be sent
 * (LOCAL_KINDS) is no fault of the endpoint, so these are ignored; any other error
 * (a 400, a context-length error: the endpoint answered properly) counts as a success.
 *
 * Protocol: ask `canPass()` right before the call; it takes a probe slot when half-open. Then
 * report exactly one of `onSuccess()` / `onFailure(error)`, or `release()` if the call was not
 * made after all. `wouldPass()` asks without taking anything (for ranking deployments).
 *
 * Transitions out of 'open' happen when the breaker is next looked at; listeners hear of every
 * change synchronously, in order.
 */
import { systemClock, type Clock } from './clock.js';
import { ABORTED_KIND, LOCAL_KINDS, RATE_LIMIT_KIND, asFailure, type FailureLike } from '../../shared/contracts/failure.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** How an outcome counts for the breaker. */
export type FailureClass = 'failure' | 'success' | 'ignore';

export interface CircuitBreakerOptions {
  /** Sliding window length. Default 30 s. */
  windowMs?: number;
  /** Buckets the window is kept in; the window moves one bucket at a time. Default 10. */
  buckets?: number;
  /** Share of failures, in (0, 1], at or above which the breaker opens. Default 0.5. */
  failureRateThreshold?: number;
  /** Calls the window must hold before the rate counts. Default 10. */
  minCalls?: number;
  /** First open period. Default 30 s. */
  openMs?: number;
  /** Each reopening in a row multiplies the open period by this (>= 1). Default 1. */
  openGrowthFactor?: number;
  /** Longest open period. Default 5 min. */
  maxOpenMs?: number;
  /** Probes that may be in flight at once when half-open. Default 1. */
  halfOpenProbes?: number;
  /** Successful probes that close the breaker. Default 1. */
  probeSuccesses?: number;
  classify?: (failure: FailureLike) => FailureClass;
  clock?: Pick<Clock, 'now'>;
}

export interface BreakerStateChange {
  from: BreakerState;
  to: BreakerState;
  atMs: number;
  /** When the breaker opened: until when. */
  openUntilMs?: number;
  /** The window's failure rate when the change happened (closed → open). */
  failureRate?: number;
}

export type BreakerListener = (change: BreakerStateChange) => void;

export interface BreakerSnapshot {
  state: BreakerState;
  /** Calls and failures in the sliding window. */
  calls: number;
  failures: number;
  /** failures / calls, 0 for an empty window. */
  failureRate: number;
  openUntilMs?: number;
  /** Probes in flight, when half-open. */
  probesInFlight: number;
}

/** The default classification: see the file comment. */
export function classifyFailure(failure: FailureLike): FailureClass {
  if (failure.kind === RATE_LIMIT_KIND || failure.kind === ABORTED_KIND || LOCAL_KINDS.has(failure.kind)) return 'ignore';
  return failure.retryable ? 'failure' : 'success';
}

interface Bucket {
  /** Start of the bucket's time slice; -Infinity when unused. */
  startMs: number;
  calls: number;
  failures: number;
}

function emptyBucket(): Bucket {
  return { startMs: Number.NEGATIVE_INFINITY, calls: 0, failures: 0 };
}

export class CircuitBreaker {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #buckets: Bucket[];
  readonly #threshold: number;
  readonly #minCalls: number;
  readonly #baseOpenMs: number;
  readonly #growth: number;
  readonly #maxOpenMs: number;
  readonly #maxProbes: number;
  readonly #probeSuccessesNeeded: number;
  readonly #classify: (failure: FailureLike) => FailureClass;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #listeners = new Set<BreakerListener>();

  #state: BreakerState = 'closed';
  #openUntilMs = 0;
  #nextOpenMs: number;
  #probesInFlight = 0;
  #probeSuccesses = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#windowMs = options.windowMs ?? 30_000;
    const buckets = options.buckets ?? 10;
    this.#threshold = options.failureRateThreshold ?? 0.5;
    this.#minCalls = options.minCalls ?? 10;
    this.#baseOpenMs = options.openMs ?? 30_000;
    this.#growth = options.openGrowthFactor ?? 1;
    this.#maxOpenMs = options.maxOpenMs ?? 300_000;
    this.#maxProbes = options.halfOpenProbes ?? 1;
    this.#probeSuccessesNeeded = options.probeSuccesses ?? 1;
    this.#classify = options.classify ?? classifyFailure;
    this.#clock = options.clock ?? systemClock;

    if (!(this.#windowMs > 0)) throw new RangeError('circuit breaker windowMs must be > 0');
    if (!(Number.isInteger(buckets) && buckets >= 1)) throw new RangeError('circuit breaker buckets must be an integer >= 1');
    if (!(this.#threshold > 0 && this.#threshold <= 1)) {
      throw new RangeError('circuit breaker failureRateThreshold must be in (0, 1]');
    }
    if (!(Number.isInteger(this.#minCalls) && this.#minCalls >= 1)) {
      throw new RangeError('circuit breaker minCalls must be an integer >= 1');
    }
    if (!(this.#baseOpenMs >= 0)) throw new RangeError('circuit breaker openMs must be >= 0');
    if (!(this.#growth >= 1)) throw new RangeError('circuit breaker openGrowthFactor must be >= 1');
    if (!(this.#maxOpenMs >= this.#baseOpenMs)) throw new RangeError('circuit breaker maxOpenMs must be >= openMs');
    if (!(Number.isInteger(this.#maxProbes) && this.#maxProbes >= 1)) {
      throw new RangeError('circuit breaker halfOpenProbes must be an integer >= 1');
    }
    if (!(Number.isInteger(this.#probeSuccessesNeeded) && this.#probeSuccessesNeeded >= 1)) {
      throw new RangeError('circuit breaker probeSuccesses must be an integer >= 1');
    }

    this.#bucketMs = this.#windowMs / buckets;
    this.#buckets = Array.from({ length: buckets }, emptyBucket);
    this.#nextOpenMs = this.#baseOpenMs;
  }

  get state(): BreakerState {
    this.#advance(this.#clock.now());
    return this.#state;
  }

  /** Whether a call would pass now, without taking a probe slot. */
  wouldPass(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        return this.#probesInFlight < this.#maxProbes;
    }
  }

  /** Whether a call may go ahead now; when half-open, takes a probe slot if one is free. */
  canPass(): boolean {
    if (!this.wouldPass()) return false;
    if (this.#state === 'half_open') this.#probesInFlight++;
    return true;
  }

  /** Gives back a probe slot taken by canPass() for a call that was not made. */
  release(): void {
    if (this.#state === 'half_open') this.#endProbe();
  }

  onSuccess(): void {
    this.#record('success');
  }

  /**
   * Reports a failed call with what it threw. An error that is not a FailureLike (or none)
   * counts as a failure; otherwise `classify` decides. Returns how it was counted.
   */
  onFailure(error?: unknown): FailureClass {
    const failure = asFailure(error);
    const kind = failure === undefined ? 'failure' : this.#classify(failure);
    this.#record(kind);
    return kind;
  }

  /** Registers a listener of state changes; returns a function that removes it. */
  onStateChange(listener: BreakerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  snapshot(): BreakerSnapshot {
    const now = this.#clock.now();
    this.#advance(now);
    const { calls, failures } = this.#totals(now);
    return {
      state: this.#state,
      calls,
      failures,
      failureRate: calls === 0 ? 0 : failures / calls,
      ...(this.#state === 'open' ? { openUntilMs: this.#openUntilMs } : {}),
      probesInFlight: this.#state === 'half_open' ? this.#probesInFlight : 0,
    };
  }

  #record(outcome: FailureClass): void {
    const now = this.#clock.now();
    this.#advance(now);
    switch (this.#state) {
      case 'open':
        // A call that started before the breaker opened; the endpoint is already written off.
        return;
      case 'half_open':
        this.#endProbe();
        if (outcome === 'failure') this.#open(now);
        else if (outcome === 'success' && ++this.#probeSuccesses >= this.#probeSuccessesNeeded) this.#close(now);
        return;
      case 'closed': {
        if (outcome === 'ignore') return;
        const bucket = this.#bucketAt(now);
        bucket.calls++;
        if (outcome === 'failure') bucket.failures++;
        const { calls, failures } = this.#totals(now);
        if (calls >= this.#minCalls && failures / calls >= this.#threshold) this.#open(now, failures / calls);
        return;
      }
    }
  }

  #advance(now: number): void {
    if (this.#state === 'open' && now >= this.#openUntilMs) {
      this.#state = 'half_open';
      this.#probesInFlight = 0;
      this.#probeSuccesses = 0;
      this.#emit({ from: 'open', to: 'half_open', atMs: now });
    }
  }

  #open(now: number, failureRate?: number): void {
    const from = this.#state;
    const openMs = this.#nextOpenMs;
    this.#nextOpenMs = Math.min(this.#maxOpenMs, openMs * this.#growth);
    this.#state = 'open';
    this.#openUntilMs = now + openMs;
    this.#emit({
      from,
      to: 'open',
      atMs: now,
      openUntilMs: this.#openUntilMs,
      ...(failureRate !== undefined ? { failureRate } : {}),
    });
  }

  #close(now: number): void {
    this.#state = 'closed';
    this.#nextOpenMs = this.#baseOpenMs;
    for (const bucket of this.#buckets) Object.assign(bucket, emptyBucket());
    this.#emit({ from: 'half_open', to: 'closed', atMs: now });
  }

  #endProbe(): void {
    if (this.#probesInFlight > 0) this.#probesInFlight--;
  }

  #bucketAt(now: number): Bucket {
    const slice = Math.floor(now / this.#bucketMs);
    const bucket = this.#buckets[slice % this.#buckets.length] as Bucket;
    const startMs = slice * this.#bucketMs;
    if (bucket.startMs !== startMs) {
      bucket.startMs = startMs;
      bucket.calls = 0;
      bucket.failures = 0;
    }
    return bucket;
  }

  #totals(now: number): { calls: number; failures: number } {
    const oldest = now - this.#windowMs;
    let calls = 0;
    let failures = 0;
    for (const bucket of this.#buckets) {
      if (bucket.startMs > oldest) {
        calls += bucket.calls;
        failures += bucket.failures;
      }
    }
    return { calls, failures };
  }

  #emit(change: BreakerStateChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
