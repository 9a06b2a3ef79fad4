/**
 * Watches every provider call an executor makes through the executor's explicit call hooks
 * (`Executor.observeCalls`): calls in flight per model, recent latency and time-to-first-token
 * samples for percentiles, and what each answer says that the bus shares: rate-limit headers,
 * 429s, and prompt-cache usage together with the request.
 */
import type { ModelRuntime } from './model-runtime.js';
import type { ChatRequest, RateLimitInfo, Usage } from '../shared/contracts/provider.js';
import type { ProviderCall, ProviderCallHooks } from './provider-call-hooks.js';
import { ProviderError } from './providers/errors.js';

/** The last `size` samples; percentiles over them. */
export class SampleWindow {
  private readonly xs: number[] = [];
  private next = 0;
  constructor(private readonly size = 128) {}
  add(x: number): void {
    if (this.xs.length < this.size) this.xs.push(x);
    else this.xs[this.next] = x;
    this.next = (this.next + 1) % this.size;
  }
  /** The q-quantile (nearest rank), 0 when empty. */
  quantile(q: number): number {
    if (this.xs.length === 0) return 0;
    const sorted = [...this.xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  }
}

export interface ModelCalls {
  inFlight: number;
  latency: SampleWindow;
  ttft: SampleWindow;
  /** Requests and tokens sent since the last `takeUsage`. */
  requestsUsed: number;
  tokensUsed: number;
  /** What the provider's headers said last, with absolute reset times. */
  lastReport?: { info: RateLimitInfo; atMs: number };
  /** Retry-After of a 429 since the last `takeUsage` (ms; 0 = none). */
  retryAfterMs: number;
}

export interface CallListener {
  usage?(rt: ModelRuntime, request: ChatRequest, usage: Usage): void;
  rateLimit?(rt: ModelRuntime, info: RateLimitInfo | undefined, tooMany: boolean): void;
}

export class CallObserver implements ProviderCallHooks {
  readonly models = new Map<string, ModelCalls>();
  private readonly listeners = new Set<CallListener>();

  constructor(runtimes: readonly ModelRuntime[], private readonly now: () => number = Date.now) {
    for (const rt of runtimes) {
      this.models.set(rt.model.id, { inFlight: 0, latency: new SampleWindow(), ttft: new SampleWindow(), requestsUsed: 0, tokensUsed: 0, retryAfterMs: 0 });
    }
  }

  listen(l: CallListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get inFlight(): number {
    let n = 0;
    for (const m of this.models.values()) n += m.inFlight;
    return n;
  }

  started(rt: ModelRuntime, request: ChatRequest, streaming: boolean): ProviderCall {
    const calls = this.models.get(rt.model.id);
    if (calls === undefined) return { firstToken() {}, answered() {}, failed() {} };
    const started = this.now();
    calls.inFlight++;
    calls.requestsUsed++;
    return {
      firstToken: () => calls.ttft.add(this.now() - started),
      answered: (usage, rateLimit) => {
        calls.inFlight--;
        const ms = this.now() - started;
        calls.latency.add(ms);
        if (!streaming) calls.ttft.add(ms);
        this.answered(rt, calls, request, usage, rateLimit);
      },
      failed: (e) => {
        calls.inFlight--;
        this.failed(rt, calls, e);
      },
    };
  }

  private answered(rt: ModelRuntime, calls: ModelCalls, request: ChatRequest, usage: Usage, info: RateLimitInfo | undefined): void {
    calls.tokensUsed += usage.inputTokens + usage.outputTokens;
    if (info) {
      calls.lastReport = { info, atMs: this.now() };
      for (const l of this.listeners) l.rateLimit?.(rt, info, false);
    }
    if (usage.cachedInputTokens > 0 || usage.cacheWriteTokens > 0) for (const l of this.listeners) l.usage?.(rt, request, usage);
  }

  private failed(rt: ModelRuntime, calls: ModelCalls, e: unknown): void {
    if (!(e instanceof ProviderError)) return;
    if (e.rateLimit) calls.lastReport = { info: e.rateLimit, atMs: this.now() };
    const tooMany = e.kind === 'rate_limit';
    if (tooMany) calls.retryAfterMs = Math.max(calls.retryAfterMs, e.retryAfterMs ?? 1);
    if (tooMany || e.rateLimit) for (const l of this.listeners) l.rateLimit?.(rt, e.rateLimit, tooMany);
  }
}
