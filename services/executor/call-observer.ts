/**
 * Watches every provider call an executor makes, by wrapping the adapter of each deployment
 * (the runtimes are the executor's public surface): calls in flight per model, recent latency
 * and time-to-first-token samples for percentiles, and what each answer says that the bus
 * shares: rate-limit headers, 429s, and prompt-cache usage together with the request.
 */
import type { ModelRuntime } from './model-runtime.js';
import type { ChatRequest, ProviderAdapter, RateLimitInfo, StreamEvent, Usage } from '../shared/contracts/provider.js';
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

export class CallObserver {
  readonly models = new Map<string, ModelCalls>();
  private readonly listeners = new Set<CallListener>();

  constructor(runtimes: readonly ModelRuntime[], private readonly now: () => number = Date.now) {
    for (const rt of runtimes) {
      const calls: ModelCalls = { inFlight: 0, latency: new SampleWindow(), ttft: new SampleWindow(), requestsUsed: 0, tokensUsed: 0, retryAfterMs: 0 };
      this.models.set(rt.model.id, calls);
      for (const d of rt.deployments) d.adapter = this.wrap(rt, calls, d.adapter);
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

  private wrap(rt: ModelRuntime, calls: ModelCalls, inner: ProviderAdapter): ProviderAdapter {
    return {
      specificationVersion: inner.specificationVersion,
      kind: inner.kind,
      generate: async (endpoint, request, signal) => {
        const started = this.now();
        calls.inFlight++;
        calls.requestsUsed++;
        try {
          const result = await inner.generate(endpoint, request, signal);
          const ms = this.now() - started;
          calls.latency.add(ms);
          calls.ttft.add(ms);
          this.answered(rt, calls, request, result.usage, result.rateLimit);
          return result;
        } catch (e) {
          this.failed(rt, calls, e);
          throw e;
        } finally {
          calls.inFlight--;
        }
      },
      stream: async (endpoint, request, signal) => {
        const started = this.now();
        calls.inFlight++;
        calls.requestsUsed++;
        let open = true;
        const done = () => {
          if (open) calls.inFlight--;
          open = false;
        };
        try {
          const s = await inner.stream(endpoint, request, signal);
          const self = this;
          async function* events(): AsyncGenerator<StreamEvent> {
            let first = true;
            try {
              for await (const ev of s.events) {
                if (first) calls.ttft.add(self.now() - started);
                first = false;
                if (ev.type === 'finish') {
                  calls.latency.add(self.now() - started);
                  self.answered(rt, calls, request, ev.usage, s.rateLimit);
                }
                yield ev;
              }
            } catch (e) {
              self.failed(rt, calls, e);
              throw e;
            } finally {
              done();
            }
          }
          return { ...(s.rateLimit ? { rateLimit: s.rateLimit } : {}), events: events() };
        } catch (e) {
          this.failed(rt, calls, e);
          done();
          throw e;
        }
      },
    };
  }
}
