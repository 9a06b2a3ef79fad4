/**
 * The models one request may try, in order: the decision's chosen model, then its fallbacks.
 *
 * The chain is bounded and acyclic:
 *  - a model appears once, however often the decision names it;
 *  - at most `maxAttempts` models are tried (models skipped without a call do not count);
 *  - after a context-length error, only models whose context window is larger than the
 *    window of every model that reported one are tried: the prompt is known not to fit there.
 *    A model whose window the caller did not give is skipped once that rule is in force; a
 *    context-length error from a model of unknown window adds no rule;
 *  - a failure that another model cannot mend ends the chain (`canFailOver`): a bad request,
 *    a content filter, a cancelled call. Errors where retrying can help move on, and so do
 *    errors that belong to one endpoint (credentials, permissions, an unknown model name, a
 *    garbled answer).
 *
 * The chain chooses models only; the executor tries each model's deployments
 * (deployment-balancer.ts), with retries (retry.ts), before it asks for the next model.
 */
import { CONTEXT_LENGTH_KIND, asFailure, type FailureLike } from '../../shared/contracts/failure.js';

export interface FallbackChainInput {
  /** The decision's chosen model. */
  model: string;
  /** The decision's fallbacks, in order. */
  fallbacks: readonly string[];
  /** Models to try at most (>= 1). */
  maxAttempts: number;
  /** Context window in tokens per model. */
  contextWindows?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Whether the chain may move on after this failure. Default: canFailOver. */
  canFailOver?: (failure: FailureLike) => boolean;
}

export type SkipReason = 'duplicate' | 'context_window_too_small' | 'context_window_unknown';

export interface SkippedModel {
  model: string;
  reason: SkipReason;
}

export type ChainStopReason =
  /** `maxAttempts` models were tried. */
  | 'max_attempts'
  /** No model is left that could help. */
  | 'exhausted'
  /** The last failure is one that no other model can mend. */
  | 'not_recoverable';

/** Error kinds tied to one endpoint rather than the request: another model may well work. */
const ENDPOINT_FAILURE_KINDS: ReadonlySet<string> = new Set(['auth', 'permission', 'not_found', 'malformed_response']);

/** The default rule for moving to the next model; see the file comment. */
export function canFailOver(failure: FailureLike): boolean {
  return failure.retryable || failure.kind === CONTEXT_LENGTH_KIND || ENDPOINT_FAILURE_KINDS.has(failure.kind);
}

/** The models in the order the chain would try them if every one failed with a server error. */
export function planAttempts(input: Pick<FallbackChainInput, 'model' | 'fallbacks' | 'maxAttempts'>): string[] {
  checkMaxAttempts(input.maxAttempts);
  return uniqueModels(input.model, input.fallbacks).models.slice(0, input.maxAttempts);
}

export class FallbackChain {
  readonly #candidates: readonly string[];
  readonly #maxAttempts: number;
  readonly #windowOf: (model: string) => number | undefined;
  readonly #canFailOver: (failure: FailureLike) => boolean;
  readonly #tried: string[] = [];
  readonly #skipped: SkippedModel[];
  #cursor = 0;
  /** After a context-length error: the window a model must exceed. */
  #mustExceed: number | undefined;
  #stop: ChainStopReason | undefined;

  constructor(input: FallbackChainInput) {
    checkMaxAttempts(input.maxAttempts);
    const { models, duplicates } = uniqueModels(input.model, input.fallbacks);
    this.#candidates = models;
    this.#skipped = duplicates.map((model) => ({ model, reason: 'duplicate' as const }));
    this.#maxAttempts = input.maxAttempts;
    this.#canFailOver = input.canFailOver ?? canFailOver;
    const windows = input.contextWindows;
    this.#windowOf =
      windows === undefined
        ? () => undefined
        : windows instanceof Map
          ? (model) => windows.get(model)
          : (model) => (Object.hasOwn(windows, model) ? (windows as Readonly<Record<string, number>>)[model] : undefined);
  }

  /** The models, deduplicated, in the order they would be considered. */
  get candidates(): readonly string[] {
    return this.#candidates;
  }

  /** The models handed out so far. */
  get tried(): readonly string[] {
    return this.#tried;
  }

  /** Models passed over, and why. */
  get skipped(): readonly SkippedModel[] {
    return this.#skipped;
  }

  /** Why the chain ended; undefined while it has not. */
  get stopReason(): ChainStopReason | undefined {
    return this.#stop;
  }

  /**
   * The next model to try, or undefined when the chain has ended. The first call takes no
   * argument; each later call passes what the previous model failed with (a ProviderError or
   * any FailureLike; anything else, or nothing, just moves on).
   */
  next(previousFailure?: unknown): string | undefined {
    if (this.#stop !== undefined) return undefined;
    const last = this.#tried.at(-1);
    const failure = asFailure(previousFailure);
    if (last !== undefined && failure !== undefined) {
      if (failure.kind === CONTEXT_LENGTH_KIND) {
        const window = this.#windowOf(last);
        if (window !== undefined) this.#mustExceed = Math.max(this.#mustExceed ?? 0, window);
      } else if (!this.#canFailOver(failure)) {
        return this.#end('not_recoverable');
      }
    }
    if (this.#tried.length >= this.#maxAttempts) return this.#end('max_attempts');

    while (this.#cursor < this.#candidates.length) {
      const model = this.#candidates[this.#cursor++] as string;
      if (this.#mustExceed !== undefined) {
        const window = this.#windowOf(model);
        if (window === undefined) {
          this.#skipped.push({ model, reason: 'context_window_unknown' });
          continue;
        }
        if (window <= this.#mustExceed) {
          this.#skipped.push({ model, reason: 'context_window_too_small' });
          continue;
        }
      }
      this.#tried.push(model);
      return model;
    }
    return this.#end('exhausted');
  }

  #end(reason: ChainStopReason): undefined {
    this.#stop = reason;
    return undefined;
  }
}

function uniqueModels(model: string, fallbacks: readonly string[]): { models: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const candidate of [model, ...fallbacks]) {
    if (seen.has(candidate)) duplicates.push(candidate);
    else seen.add(candidate);
  }
  return { models: [...seen], duplicates };
}

function checkMaxAttempts(maxAttempts: number): void {
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError('maxAttempts must be an integer >= 1');
}
