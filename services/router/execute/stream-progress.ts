/**
 * What the router has received of one model call's stream, so output it got is billed however
 * the stream ends. The executor bills a stream cut off after output began (partialUsage), but
 * two endings never reach it as an outcome: a consumer that stops reading (the client left, the
 * front door broke off) closes the stream with no last event, and an executor process that dies
 * mid-stream cannot report what its provider generated. Providers bill what they generated, so
 * the router bills the same estimate (the prompt as sent, the output received at four characters
 * a token) in the decision record and in the tenant's ledger alike, which keeps the two equal.
 */
import { usageCostUsd, type Catalog } from '../../shared/catalog.js';
import type { AttemptInfo, InvokeEvent, InvokeInput, InvokeOutcome } from '../../shared/contracts/invoke.js';
import { receivedUsage } from '../../shared/contracts/estimate-tokens.js';
import type { Usage } from '../../shared/contracts/provider.js';
import { addUsage } from '../../shared/contracts/usage.js';

export interface Unbilled {
  usage: Usage;
  costUsd: number;
}

export class StreamProgress {
  #chars = 0;
  #outcome: InvokeOutcome | undefined;
  #deployment = '';

  constructor(
    private readonly input: InvokeInput,
    private readonly catalog: Catalog,
  ) {}

  observe(ev: InvokeEvent): void {
    if (ev.type === 'text-delta') this.#chars += ev.text.length;
    else if (ev.type === 'tool-call') this.#chars += ev.toolCall.name.length + ev.toolCall.arguments.length;
    else if (ev.type === 'start') this.#deployment = ev.deployment;
    else this.#outcome = ev.outcome;
  }

  /** The stream ended with an answer or a failure (an outcome the executor billed). */
  get ended(): boolean {
    return this.#outcome !== undefined;
  }

  /**
   * Output received that no outcome bills: the stream was left before its end, or it failed with
   * no output tokens billed although output arrived. Undefined when there is nothing to add.
   */
  unbilled(): Unbilled | undefined {
    if (this.#chars === 0) return undefined;
    const o = this.#outcome;
    if (o && (o.ok || o.usage.outputTokens > 0)) return undefined;
    const received = receivedUsage(this.input.request, this.#chars);
    // A failure that billed the prompt but no output adds only the output received.
    const usage = o && o.usage.inputTokens > 0 ? { ...received, inputTokens: 0 } : received;
    const m = this.catalog.get(this.input.model);
    return { usage, costUsd: m ? usageCostUsd(m, usage) : 0 };
  }

  /** The attempt a stream left before its end is recorded as: its estimate, or undefined when no output came. */
  abandonedAttempt(latencyMs: number): AttemptInfo | undefined {
    const billed = this.ended ? undefined : this.unbilled();
    if (!billed) return undefined;
    return {
      model: this.input.model,
      deployment: this.#deployment,
      step: this.input.step,
      outcome: 'fatal_error',
      error: 'the stream was left after output began; billed as estimated',
      latencyMs,
      usage: billed.usage,
      costUsd: billed.costUsd,
      check: '',
    };
  }
}

/** `attempts` with the output the last one streamed but was not billed for added to it (as the ledger adds it). */
export function withUnbilled(attempts: readonly AttemptInfo[], unbilled: Unbilled | undefined): AttemptInfo[] {
  if (!unbilled || attempts.length === 0) return [...attempts];
  const last = attempts[attempts.length - 1]!;
  const billed: AttemptInfo = { ...last, usage: addUsage(last.usage, unbilled.usage), costUsd: last.costUsd + unbilled.costUsd, error: `${last.error}; billed as estimated` };
  return [...attempts.slice(0, -1), billed];
}
