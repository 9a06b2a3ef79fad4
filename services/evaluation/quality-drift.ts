/**
 * Quality drift per model and segment: each graded answer is scored against the router's
 * predicted quality for that prompt (plus the stream's usual offset from it), and a
 * likelihood-ratio CUSUM (rate-shift.ts) watches for a drop of `minDrop`. Scoring against the
 * per-prompt prediction takes each prompt's own difficulty out of the stream, so a change in the
 * traffic's mix is not mistaken for a model getting worse. The false-alarm rate is stated per
 * (model, segment) stream: at most one false alarm per `arl0` graded answers, on average.
 */
import { RateShiftMonitor, type RateShift } from './rate-shift.js';

export interface QualityDriftOptions {
  /** Graded answers per (model, segment) that set its baseline. */
  warmup: number;
  /** Smallest drop of mean quality worth an alarm, e.g. 0.15. */
  minDrop: number;
  /** Graded answers per false alarm, per (model, segment), on average. */
  arl0: number;
}

export const QUALITY_DRIFT_DEFAULTS: QualityDriftOptions = { warmup: 100, minDrop: 0.15, arl0: 20_000 };

export interface GradedAnswer {
  model: string;
  segment: string;
  predicted: number;
  observed: number;
  atMs: number;
}

export interface QualityDriftAlarm {
  kind: 'quality';
  model: string;
  segment: string;
  /** Mean observed quality before, and since the change began. */
  baseline: number;
  current: number;
  sinceMs: number;
  raisedAtMs: number;
  message: string;
}

export class QualityDriftDetector {
  private readonly streams = new Map<string, RateShiftMonitor>();

  constructor(private readonly o: QualityDriftOptions = QUALITY_DRIFT_DEFAULTS) {}

  observe(a: GradedAnswer): QualityDriftAlarm | undefined {
    const key = `${a.model}\u0000${a.segment}`;
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = new RateShiftMonitor({ warmup: this.o.warmup, minShift: this.o.minDrop, arl0: this.o.arl0, direction: 'down' });
      this.streams.set(key, stream);
    }
    const shift = stream.push(a.observed, a.atMs, a.predicted);
    return shift && alarm(a, shift);
  }

  /** Streams watched, and how many have a baseline yet. */
  get size(): { streams: number; ready: number } {
    let ready = 0;
    for (const s of this.streams.values()) if (s.ready) ready++;
    return { streams: this.streams.size, ready };
  }
}

function alarm(a: GradedAnswer, s: RateShift): QualityDriftAlarm {
  const drop = s.baseline - s.current;
  return {
    kind: 'quality',
    model: a.model,
    segment: a.segment,
    baseline: s.baseline,
    current: s.current,
    sinceMs: s.sinceMs,
    raisedAtMs: a.atMs,
    message: `${a.model} on ${a.segment}: observed quality fell from ${s.baseline.toFixed(2)} to ${s.current.toFixed(2)} (${drop.toFixed(2)} lower, against the router's predictions) since ${new Date(s.sinceMs).toISOString()}`,
  };
}
