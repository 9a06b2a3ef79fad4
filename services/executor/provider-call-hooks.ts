/**
 * The executor's explicit hook around every provider call: whoever needs to watch calls (the
 * bus agent's CallObserver, metrics) registers a `ProviderCallHooks` with `Executor.observeCalls`
 * and is told when a call starts, when its first token arrives, and how it ends. Hooks observe;
 * they never change a call, and an exception thrown by one is not the call's failure.
 */
import type { ChatRequest, RateLimitInfo, Usage } from '../shared/contracts/provider.js';
import type { ModelRuntime } from './model-runtime.js';

/** One provider call, as its hooks see it. Exactly one of `answered` and `failed` is called. */
export interface ProviderCall {
  /** A stream's first event (not called for a plain call, whose first token is its answer). */
  firstToken(): void;
  answered(usage: Usage, rateLimit: RateLimitInfo | undefined): void;
  failed(error: unknown): void;
}

export interface ProviderCallHooks {
  /** A call of `rt`'s model is about to go to the provider. */
  started(rt: ModelRuntime, request: ChatRequest, streaming: boolean): ProviderCall;
}

const NO_CALL: ProviderCall = { firstToken() {}, answered() {}, failed() {} };

/** The calls of every registered hook as one; each hook's own errors are contained. */
export class ProviderCallHookSet {
  private readonly hooks = new Set<ProviderCallHooks>();

  add(hooks: ProviderCallHooks): () => void {
    this.hooks.add(hooks);
    return () => this.hooks.delete(hooks);
  }

  started(rt: ModelRuntime, request: ChatRequest, streaming: boolean): ProviderCall {
    if (this.hooks.size === 0) return NO_CALL;
    const calls = [...this.hooks].map((h) => guard(() => h.started(rt, request, streaming)) ?? NO_CALL);
    let ended = false;
    return {
      firstToken: () => {
        for (const c of calls) guard(() => c.firstToken());
      },
      answered: (usage, rateLimit) => {
        if (ended) return;
        ended = true;
        for (const c of calls) guard(() => c.answered(usage, rateLimit));
      },
      failed: (error) => {
        if (ended) return;
        ended = true;
        for (const c of calls) guard(() => c.failed(error));
      },
    };
  }
}

function guard<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
