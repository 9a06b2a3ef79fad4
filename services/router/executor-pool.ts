/**
 * An ExecutorClient over the executors the bus announced. For each call it chooses among the
 * executors that serve the model: those whose circuit for the model is open, that are cooling
 * down for it, or that just failed to answer are passed over while another can take the call
 * (a half-open one is not: it needs a call to probe with, and turns away what it cannot take);
 * then the least loaded (calls this router has in
 * flight to it, plus the load it reported), ties broken at random. When an executor cannot be
 * reached, or none of its deployments could take the call ('unavailable'), or it is at its bound
 * on calls in flight ('executor_busy': passed over for this call only, not suspected), the call
 * moves to the next one, up to `maxAttempts` executors; a stream moves only before its first token. A
 * provider's own error goes back to the router, whose fallback chain moves to another model.
 *
 * Each executor is reached through a RemoteExecutor of its own. Without announcements (no
 * executor heard of yet), the configured static addresses are used.
 */
import type { AttemptInfo, ExecutorClient, InvokeEvent, InvokeFailure, InvokeInput, InvokeOutcome } from '../shared/contracts/invoke.js';
import { CancelledError, UnavailableError } from '../shared/errors.js';
import { EXECUTOR_BUSY_KIND } from '../shared/contracts/failure.js';
import { RemoteExecutor } from './remote-executor.js';
import type { ChannelSecurity } from '../shared/tls/tls-files.js';
import type { BusRoutingState } from './state/bus-routing-state.js';

interface Target {
  id: string;
  address: string;
  rank: number;
  load: number;
}

/** Failures after which another executor may take the call: this one did not try it. */
function anotherMayTry(outcome: InvokeOutcome): boolean {
  return !outcome.ok && (outcome.error.kind === 'unavailable' || outcome.error.kind === EXECUTOR_BUSY_KIND);
}

/** How long an executor that could not be reached is passed over. */
const SUSPECT_MS = 3_000;

export class ExecutorPool implements ExecutorClient {
  private readonly clients = new Map<string, RemoteExecutor>();
  private readonly inFlight = new Map<string, number>();
  private readonly suspects = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: { state: BusRoutingState; staticAddresses?: readonly string[]; maxAttempts: number; now?: () => number; random?: () => number; security?: ChannelSecurity }) {
    this.now = o.now ?? Date.now;
  }

  /** Executors to try for `model`, best first. */
  candidates(model: string): Target[] {
    const now = this.now();
    const s = this.o.state;
    const live = s.executors.serving(model, now);
    const random = this.o.random ?? Math.random;
    const targets: (Target & { tie: number })[] = live.map((e) => {
      const h = s.modelHealth(e.id, model);
      let rank = 0;
      if (s.rateLimited(e.id, model)) rank = 2;
      if ((this.suspects.get(e.address) ?? 0) > now) rank = 3;
      if (h?.circuit === 'CIRCUIT_STATE_OPEN') rank = 4;
      return { id: e.id, address: e.address, rank, load: (this.inFlight.get(e.address) ?? 0) + (e.load.get(model) ?? 0), tie: random() };
    });
    if (targets.length === 0) {
      for (const address of this.o.staticAddresses ?? []) {
        const rank = (this.suspects.get(address) ?? 0) > now ? 3 : 0;
        targets.push({ id: address, address, rank, load: this.inFlight.get(address) ?? 0, tie: random() });
      }
    }
    return targets.sort((a, b) => a.rank - b.rank || a.load - b.load || a.tie - b.tie);
  }

  /** The executor a call for `model` would go to now. */
  choose(model: string): string | undefined {
    return this.candidates(model)[0]?.id;
  }

  private client(address: string): RemoteExecutor {
    let c = this.clients.get(address);
    if (!c) {
      c = new RemoteExecutor([address], this.o.security);
      this.clients.set(address, c);
    }
    return c;
  }

  private begin(address: string): () => void {
    this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1);
    return () => this.inFlight.set(address, (this.inFlight.get(address) ?? 1) - 1);
  }

  private noteFailure(t: Target, outcome: InvokeOutcome): void {
    if (!outcome.ok && outcome.error.kind === 'unavailable' && outcome.attempts.some((a) => a.deployment.startsWith('executor '))) {
      this.suspects.set(t.address, this.now() + SUSPECT_MS);
    }
  }

  private unreachable(input: InvokeInput, t: Target, e: Error): InvokeOutcome {
    const attempt: AttemptInfo = {
      model: input.model,
      deployment: `executor ${t.address}`,
      step: input.step,
      outcome: 'retryable_error',
      error: `executor went away: ${e.message}`,
      latencyMs: 0,
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      check: '',
    };
    return { ...(this.noTarget(input) as InvokeFailure), attempts: [attempt], error: { kind: 'unavailable', message: attempt.error, retryable: true } };
  }

  private noTarget(input: InvokeInput): InvokeOutcome {
    return {
      ok: false,
      model: input.model,
      attempts: [],
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      error: { kind: 'unavailable', message: `no executor serves ${input.model} now`, retryable: true },
    };
  }

  async invoke(input: InvokeInput, signal: AbortSignal): Promise<InvokeOutcome> {
    const targets = this.candidates(input.model).slice(0, this.o.maxAttempts);
    if (targets.length === 0) return this.noTarget(input);
    const earlier: AttemptInfo[] = [];
    let last: InvokeOutcome | undefined;
    for (const t of targets) {
      const end = this.begin(t.address);
      let outcome: InvokeOutcome;
      try {
        outcome = await this.client(t.address).invoke(input, signal);
      } catch (e) {
        // An executor that goes away mid-call cancels it: another one can take it.
        if (signal.aborted || !(e instanceof CancelledError || e instanceof UnavailableError)) throw e;
        outcome = this.unreachable(input, t, e);
      } finally {
        end();
      }
      outcome.attempts.unshift(...earlier);
      // Another executor helps only when this one could not try at all (unreachable, or none of
      // its deployments could take the call); a provider's own error is the router's to fail over.
      if (!anotherMayTry(outcome) || signal.aborted) return outcome;
      this.noteFailure(t, outcome);
      earlier.splice(0, earlier.length, ...outcome.attempts);
      last = outcome;
    }
    return last!;
  }

  async *invokeStream(input: InvokeInput, signal: AbortSignal): AsyncGenerator<InvokeEvent> {
    const targets = this.candidates(input.model).slice(0, this.o.maxAttempts);
    if (targets.length === 0) {
      const o = this.noTarget(input);
      if (!o.ok) yield { type: 'error', partial: false, outcome: o };
      return;
    }
    const earlier: AttemptInfo[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const end = this.begin(t.address);
      let yielded = false;
      try {
        for await (const ev of this.client(t.address).invokeStream(input, signal)) {
          if (ev.type === 'error' && !ev.partial && anotherMayTry(ev.outcome) && !signal.aborted && i < targets.length - 1) {
            this.noteFailure(t, ev.outcome);
            earlier.push(...ev.outcome.attempts);
            break;
          }
          if (ev.type === 'done' || ev.type === 'error') ev.outcome.attempts.unshift(...earlier);
          yielded = true;
          yield ev;
          if (ev.type === 'done' || ev.type === 'error') return;
        }
      } catch (e) {
        const away = e instanceof CancelledError || e instanceof UnavailableError;
        if (!away || yielded || signal.aborted || i === targets.length - 1) throw e;
        this.suspects.set(t.address, this.now() + SUSPECT_MS);
        earlier.push(...this.unreachable(input, t, e as Error).attempts);
      } finally {
        end();
      }
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
