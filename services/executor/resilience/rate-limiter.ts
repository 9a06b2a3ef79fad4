/**
 * Rate-limit awareness for one model or one deployment.
 *
 * Three things hold calls back, and a call passes only when all of them agree:
 *
 *  1. Configured budgets: `rpm` requests and `tpm` tokens per minute, each a token bucket that
 *     holds one minute's budget and refills continuously. A call takes one request and its
 *     estimated tokens up front; `release(actualTokens)` corrects the token bucket with the
 *     tokens actually used once they are known (giving back an overestimate, taking the
 *     rest of an underestimate).
 *  2. What the provider last reported (RateLimitInfo from its headers): the requests and tokens
 *     remaining until a reset time. Calls made since that report are subtracted from it, and a
 *     call does not pass if it would leave less than `headroom` of the limit (default 5 %)
 *     before the reset: we stop short of the limit instead of collecting 429s. A report
 *     without a reset time holds for `observationTtlMs`; after its reset it is forgotten.
 *  3. A cool-down after a 429: nothing passes until Retry-After (or `defaultCoolDownMs`).
 *
 * A refusal says why and how long until the call could pass (`retryInMs`; Infinity when it
 * never can, e.g. a request larger than the whole TPM budget). `snapshot()` is a plain
 * immutable object for ListModels, Decide and the bus.
 */
import { systemClock, type Clock } from './clock.js';
import type { RateLimitInfo } from '../../shared/contracts/provider.js';

export interface RateLimiterOptions {
  /** Requests per minute allowed by configuration. Default: no limit. */
  rpm?: number;
  /** Tokens (input + output) per minute allowed by configuration. Default: no limit. */
  tpm?: number;
  /** Share of a provider-reported limit, in [0, 1), kept in reserve until the reset. Default 0.05. */
  headroom?: number;
  /** Cool-down after a 429 without Retry-After. Default 10 s. */
  defaultCoolDownMs?: number;
  /** How long a provider report without a reset time holds. Default 60 s. */
  observationTtlMs?: number;
  clock?: Pick<Clock, 'now'>;
}

export type RateLimitReason =
  /** A 429 cool-down is running. */
  | 'cooling_down'
  /** The configured requests-per-minute budget is spent. */
  | 'rpm'
  /** The configured tokens-per-minute budget is spent. */
  | 'tpm'
  /** The estimate alone exceeds the configured TPM: this call can never pass. */
  | 'request_exceeds_tpm'
  /** The provider's remaining requests are down to the headroom. */
  | 'provider_requests'
  /** The provider's remaining tokens would fall below the headroom. */
  | 'provider_tokens';

export interface Refusal {
  ok: false;
  reason: RateLimitReason;
  /** Milliseconds until the call could pass, as far as is known now; may be Infinity. */
  retryInMs: number;
}

export interface Reservation {
  ok: true;
  /**
   * Ends the call: corrects the token budgets from the estimate to `actualTokens` (input plus
   * output, as billed; omit it to keep the estimate). Only the first call has an effect.
   */
  release(actualTokens?: number): void;
}

export type Admission = Reservation | Refusal;

export interface RateLimitSnapshot {
  atMs: number;
  /** Share of the request budget left, in [0, 1]: the tighter of configuration and provider. */
  requestHeadroom?: number;
  /** Share of the token budget left, in [0, 1]: the tighter of configuration and provider. */
  tokenHeadroom?: number;
  /** Set while a 429 cool-down runs. */
  coolingUntilMs?: number;
  /** Set while the provider-reported state holds calls back: until its reset. */
  blockedUntilMs?: number;
  /** Calls admitted and not yet released. */
  inFlight: number;
}

const MINUTE_MS = 60_000;

/** A bucket holding one minute's budget, refilling at capacity per minute. */
class MinuteBucket {
  readonly capacity: number;
  #level: number;
  #atMs: number;

  constructor(capacity: number, now: number) {
    this.capacity = capacity;
    this.#level = capacity;
    this.#atMs = now;
  }

  level(now: number): number {
    if (now > this.#atMs) {
      this.#level = Math.min(this.capacity, this.#level + ((now - this.#atMs) * this.capacity) / MINUTE_MS);
      this.#atMs = now;
    }
    return this.#level;
  }

  /** Milliseconds until the level reaches `amount` (0 if it has). */
  waitFor(amount: number, now: number): number {
    const missing = amount - this.level(now);
    return missing <= 0 ? 0 : Math.ceil((missing * MINUTE_MS) / this.capacity);
  }

  /** Takes `amount` (a negative amount gives back); the level may go below zero. */
  take(amount: number, now: number): void {
    this.#level = Math.min(this.capacity, this.level(now) - amount);
  }
}

/** The provider's last word on one budget, minus what we sent since. */
interface ReportedBudget {
  remaining: number;
  limit?: number;
  resetAtMs: number;
}

export class RateLimiter {
  readonly #requests?: MinuteBucket;
  readonly #tokens?: MinuteBucket;
  readonly #rpm?: number;
  readonly #tpm?: number;
  readonly #headroom: number;
  readonly #defaultCoolDownMs: number;
  readonly #observationTtlMs: number;
  readonly #clock: Pick<Clock, 'now'>;

  #reportedRequests?: ReportedBudget;
  #reportedTokens?: ReportedBudget;
  #coolingUntilMs = 0;
  #inFlight = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#headroom = options.headroom ?? 0.05;
    this.#defaultCoolDownMs = options.defaultCoolDownMs ?? 10_000;
    this.#observationTtlMs = options.observationTtlMs ?? MINUTE_MS;
    if (options.rpm !== undefined && !(options.rpm > 0)) throw new RangeError('rate limit rpm must be > 0');
    if (options.tpm !== undefined && !(options.tpm > 0)) throw new RangeError('rate limit tpm must be > 0');
    if (!(this.#headroom >= 0 && this.#headroom < 1)) throw new RangeError('rate limit headroom must be in [0, 1)');
    if (!(this.#defaultCoolDownMs >= 0)) throw new RangeError('rate limit defaultCoolDownMs must be >= 0');
    if (!(this.#observationTtlMs > 0)) throw new RangeError('rate limit observationTtlMs must be > 0');
    const now = this.#clock.now();
    if (options.rpm !== undefined) {
      this.#rpm = options.rpm;
      this.#requests = new MinuteBucket(options.rpm, now);
    }
    if (options.tpm !== undefined) {
      this.#tpm = options.tpm;
      this.#tokens = new MinuteBucket(options.tpm, now);
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether a call of about `estimatedTokens` would pass now; takes nothing. */
  check(estimatedTokens: number): { ok: true } | Refusal {
    checkTokens(estimatedTokens);
    const now = this.#clock.now();
    this.#forgetExpired(now);
    let refusal: Refusal | undefined;
    const consider = (reason: RateLimitReason, retryInMs: number): void => {
      if (retryInMs > 0 && (refusal === undefined || retryInMs > refusal.retryInMs)) {
        refusal = { ok: false, reason, retryInMs };
      }
    };
    consider('cooling_down', this.#coolingUntilMs - now);
    if (this.#requests !== undefined) consider('rpm', this.#requests.waitFor(1, now));
    if (this.#tokens !== undefined) {
      if (estimatedTokens > this.#tokens.capacity) consider('request_exceeds_tpm', Number.POSITIVE_INFINITY);
      else consider('tpm', this.#tokens.waitFor(estimatedTokens, now));
    }
    consider('provider_requests', this.#reportedWait(this.#reportedRequests, 1, this.#rpm, now));
    consider('provider_tokens', this.#reportedWait(this.#reportedTokens, estimatedTokens, this.#tpm, now));
    return refusal ?? { ok: true };
  }

  /** Admits a call of about `estimatedTokens`, taking its share of every budget, or refuses it. */
  tryAcquire(estimatedTokens: number): Admission {
    const verdict = this.check(estimatedTokens);
    if (!verdict.ok) return verdict;
    const now = this.#clock.now();
    this.#requests?.take(1, now);
    this.#tokens?.take(estimatedTokens, now);
    const reportedRequests = this.#reportedRequests;
    const reportedTokens = this.#reportedTokens;
    if (reportedRequests !== undefined) reportedRequests.remaining -= 1;
    if (reportedTokens !== undefined) reportedTokens.remaining -= estimatedTokens;
    this.#inFlight++;

    let released = false;
    return {
      ok: true,
      release: (actualTokens?: number) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        if (actualTokens === undefined) return;
        checkTokens(actualTokens);
        const extra = actualTokens - estimatedTokens;
        this.#tokens?.take(extra, this.#clock.now());
        // Correct the provider's report only if it is still the one the estimate was taken from.
        if (reportedTokens !== undefined && reportedTokens === this.#reportedTokens) {
          reportedTokens.remaining -= extra;
        }
      },
    };
  }

  /**
   * Takes in what the provider's rate-limit headers said (on success or failure). A Retry-After
   * is the provider's own word on when to come back: it bounds every reported budget, whatever
   * the other headers say (a "remaining 0" without a reset time would otherwise hold for
   * `observationTtlMs`, a minute, after a 429 that asked for two seconds).
   */
  observe(info: RateLimitInfo): void {
    const now = this.#clock.now();
    const retryAfter = info.retryAfterMs;
    const resetOf = (ms: number | undefined) => (retryAfter === undefined ? ms : Math.min(ms ?? retryAfter, retryAfter));
    if (info.remainingRequests !== undefined) {
      this.#reportedRequests = reported(info.remainingRequests, info.limitRequests, resetOf(info.resetRequestsMs), now, this.#observationTtlMs);
    }
    if (info.remainingTokens !== undefined) {
      this.#reportedTokens = reported(info.remainingTokens, info.limitTokens, resetOf(info.resetTokensMs), now, this.#observationTtlMs);
    }
  }

  /** After a 429: nothing passes for `ms` (default `defaultCoolDownMs`). Never shortens a running cool-down. */
  coolDown(ms?: number): void {
    const until = this.#clock.now() + Math.max(0, ms ?? this.#defaultCoolDownMs);
    if (until > this.#coolingUntilMs) this.#coolingUntilMs = until;
  }

  snapshot(): RateLimitSnapshot {
    const now = this.#clock.now();
    this.#forgetExpired(now);
    const requestHeadroom = tighter(
      this.#requests === undefined ? undefined : this.#requests.level(now) / this.#requests.capacity,
      reportedShare(this.#reportedRequests, this.#rpm),
    );
    const tokenHeadroom = tighter(
      this.#tokens === undefined ? undefined : this.#tokens.level(now) / this.#tokens.capacity,
      reportedShare(this.#reportedTokens, this.#tpm),
    );
    const blockedUntilMs = Math.max(
      this.#reportedWait(this.#reportedRequests, 1, this.#rpm, now) > 0 ? (this.#reportedRequests?.resetAtMs ?? 0) : 0,
      this.#reportedWait(this.#reportedTokens, 0, this.#tpm, now) > 0 ? (this.#reportedTokens?.resetAtMs ?? 0) : 0,
    );
    return Object.freeze({
      atMs: now,
      ...(requestHeadroom !== undefined ? { requestHeadroom } : {}),
      ...(tokenHeadroom !== undefined ? { tokenHeadroom } : {}),
      ...(this.#coolingUntilMs > now ? { coolingUntilMs: this.#coolingUntilMs } : {}),
      ...(blockedUntilMs > 0 ? { blockedUntilMs } : {}),
      inFlight: this.#inFlight,
    });
  }

  /** Milliseconds until the reported budget lets `cost` through, 0 if it does now. */
  #reportedWait(budget: ReportedBudget | undefined, cost: number, configured: number | undefined, now: number): number {
    if (budget === undefined) return 0;
    const limit = budget.limit ?? configured;
    const floor = limit === undefined ? 0 : this.#headroom * limit;
    const passes = limit === undefined ? budget.remaining - cost >= 0 && budget.remaining > 0 : budget.remaining - cost >= floor;
    return passes ? 0 : budget.resetAtMs - now;
  }

  #forgetExpired(now: number): void {
    if (this.#reportedRequests !== undefined && now >= this.#reportedRequests.resetAtMs) this.#reportedRequests = undefined;
    if (this.#reportedTokens !== undefined && now >= this.#reportedTokens.resetAtMs) this.#reportedTokens = undefined;
  }
}

function reported(remaining: number, limit: number | undefined, resetMs: number | undefined, now: number, ttlMs: number): ReportedBudget {
  return {
    remaining,
    ...(limit !== undefined && limit > 0 ? { limit } : {}),
    resetAtMs: now + (resetMs ?? ttlMs),
  };
}

function reportedShare(budget: ReportedBudget | undefined, configured: number | undefined): number | undefined {
  if (budget === undefined) return undefined;
  const limit = budget.limit ?? configured;
  if (limit === undefined) return budget.remaining <= 0 ? 0 : undefined;
  return clamp01(budget.remaining / limit);
}

function tighter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b === undefined ? undefined : clamp01(b);
  return clamp01(b === undefined ? a : Math.min(a, b));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function checkTokens(tokens: number): void {
  if (!(tokens >= 0 && Number.isFinite(tokens))) throw new RangeError(`token count must be a finite number >= 0, got ${tokens}`);
}
