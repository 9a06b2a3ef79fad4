/**
 * Provider shift on the same model name: a provider can change what answers under a name
 * without a word. Per model, the rates of errors, refusals and truncated answers are watched
 * for a rise (rate-shift.ts), and the answer length (log of output tokens) for a shift either
 * way (mean-shift.ts). Each measure states its false-alarm rate as `arl0` answers per false
 * alarm, at the least for the rates and on average for the length.
 */
import { MeanShiftMonitor } from './mean-shift.js';
import { RateShiftMonitor } from './rate-shift.js';

export interface AnswerObservation {
  model: string;
  error: boolean;
  refusal: boolean;
  truncated: boolean;
  /** Output tokens of a successful answer; undefined for an error. */
  outputTokens?: number;
  atMs: number;
}

export type ProviderMeasure = 'error_rate' | 'refusal_rate' | 'truncation_rate' | 'answer_length';

export interface ProviderShiftAlarm {
  kind: 'provider';
  model: string;
  measure: ProviderMeasure;
  direction: 'up' | 'down';
  baseline: number;
  current: number;
  sinceMs: number;
  raisedAtMs: number;
  message: string;
}

export interface ProviderShiftOptions {
  warmup: number;
  /** Smallest rise of a rate worth an alarm, e.g. 0.05 = five points. */
  minRateRise: number;
  /** Smallest change of the answer length worth an alarm, as a factor (1.5 = half as long again, or two thirds). */
  minLengthFactor: number;
  arl0: number;
}

export const PROVIDER_SHIFT_DEFAULTS: ProviderShiftOptions = { warmup: 200, minRateRise: 0.05, minLengthFactor: 1.5, arl0: 500_000 };

interface ModelMonitors {
  rates: Record<Exclude<ProviderMeasure, 'answer_length'>, RateShiftMonitor>;
  length: MeanShiftMonitor;
}

export class ProviderShiftDetector {
  private readonly models = new Map<string, ModelMonitors>();

  constructor(private readonly o: ProviderShiftOptions = PROVIDER_SHIFT_DEFAULTS) {}

  observe(a: AnswerObservation): ProviderShiftAlarm[] {
    const m = this.monitors(a.model);
    const alarms: ProviderShiftAlarm[] = [];
    const rate = (measure: keyof ModelMonitors['rates'], happened: boolean): void => {
      const s = m.rates[measure].push(happened ? 1 : 0, a.atMs);
      if (s) alarms.push(this.alarm(a, measure, s.direction, s.baseline, s.current, s.sinceMs));
    };
    rate('error_rate', a.error);
    if (!a.error) {
      rate('refusal_rate', a.refusal);
      rate('truncation_rate', a.truncated);
      if (a.outputTokens !== undefined && a.outputTokens > 0) {
        const s = m.length.push(Math.log(a.outputTokens), a.atMs);
        if (s) alarms.push(this.alarm(a, 'answer_length', s.direction, Math.exp(s.baseline), Math.exp(s.current), s.sinceMs));
      }
    }
    return alarms;
  }

  private monitors(model: string): ModelMonitors {
    let m = this.models.get(model);
    if (m === undefined) {
      const up = () => new RateShiftMonitor({ warmup: this.o.warmup, minShift: this.o.minRateRise, arl0: this.o.arl0, direction: 'up' });
      m = {
        rates: { error_rate: up(), refusal_rate: up(), truncation_rate: up() },
        length: new MeanShiftMonitor({ warmup: this.o.warmup, minShift: Math.log(this.o.minLengthFactor), arl0: this.o.arl0, direction: 'both', minSigma: 0.1 }),
      };
      this.models.set(model, m);
    }
    return m;
  }

  private alarm(a: AnswerObservation, measure: ProviderMeasure, direction: 'up' | 'down', baseline: number, current: number, sinceMs: number): ProviderShiftAlarm {
    const what =
      measure === 'answer_length'
        ? `answers became ${direction === 'up' ? 'longer' : 'shorter'}: about ${Math.round(baseline)} output tokens before, ${Math.round(current)} since`
        : `${measure.replace('_', ' ')} rose from ${(baseline * 100).toFixed(1)}% to ${(current * 100).toFixed(1)}%`;
    return { kind: 'provider', model: a.model, measure, direction, baseline, current, sinceMs, raisedAtMs: a.atMs, message: `${a.model}: ${what} since ${new Date(sinceMs).toISOString()}` };
  }
}
