/**
 * The live drift monitor: the detectors of this room (quality-drift.ts, provider-shift.ts,
 * traffic-mix.ts) fed by a running router's decision log. It is told of completed records,
 * accepted feedback and reported outcomes (DecisionLog.on), queues them (bounded; past
 * `queue_size` events are dropped and counted) and works through the queue on a later tick
 * (within DRAIN_MS), so neither a request nor SubmitFeedback waits for a detector.
 *
 * What it queues of a record is what its detectors read, taken when it is told (RecordSignal:
 * the segment, the traffic features, the provider calls, what feedback would grade), never the
 * record's view: a view holds the whole decision, and decisions kept until a later tick were
 * copied by every young-generation collection meanwhile.
 *
 * Joins: feedback grades a decision; the monitor remembers the last `join_window` decisions'
 * model, segment and predicted quality (join-window.ts), and keeps feedback that arrives before
 * its record (an LRU) until the record comes. Both are also bounded in time: what is older than
 * `join_ttl_ms` is not joined, and is let go at the next purge (every tenth of that time). With
 * no quality metric nothing can grade a decision, so nothing is remembered. A decision costs its
 * id (about 60 bytes), a Map entry and 40 bytes of slots, so the default 100,000 hold about 12 MB.
 *
 * Memory is bounded: segments past `max_segments` are watched together as `other`, models are
 * the catalog's, the traffic features have fixed bins (segment bins bounded as segments are),
 * and the alarm list keeps the newest `max_alarms`.
 */
import { LRUCache } from 'lru-cache';
import type { RecordView } from '../router/record/record-view.js';
import type { Feedback } from '../generated/switchyard/v1/Feedback.js';
import type { ReportedOutcome } from '../generated/switchyard/v1/ReportedOutcome.js';
import type { DriftConfig } from '../shared/config/monitoring-section.js';
import { DRIFT_KINDS, type DriftKindName } from '../shared/metrics/metrics-recorder.js';
import { ProviderShiftDetector, type AnswerObservation, type ProviderShiftAlarm } from './provider-shift.js';
import { QualityDriftDetector, type QualityDriftAlarm } from './quality-drift.js';
import { JoinWindow, type Joined } from './join-window.js';
import { answerObservations, lengthBucket, qualityTarget, recordSegment, reportedObservation, taskFamily } from './record-signals.js';
import { countFeatures, TrafficMixDetector, type TrafficCounts, type TrafficMixAlarm } from './traffic-mix.js';

/** One alarm, whatever raised it: what changed, by how much, and since when. */
export interface DriftAlarmEvent {
  kind: DriftKindName;
  /** Catalog model; empty for traffic alarms. */
  model: string;
  /** Quality alarms: the segment; empty otherwise. */
  segment: string;
  /** quality, a provider measure (error_rate, …, answer_length) or a traffic feature. */
  measure: string;
  /** Before and since the change (traffic: the PSI threshold and the window's PSI). */
  baseline: number;
  current: number;
  sinceMs: number;
  raisedAtMs: number;
  message: string;
  /** The router whose monitor raised it. */
  routerId: string;
}

/** A feedback metric that grades quality, and how its values map onto 0..1. */
export interface QualityMetric {
  metric: string;
  min: number;
  max: number;
  /** Lower values are better: the mapping is flipped. */
  lowerIsBetter?: boolean;
}

export interface DriftMonitorOptions {
  config: DriftConfig;
  qualityMetrics: readonly QualityMetric[];
  /** Traffic reference counts (feature → bin → count); absent: the first window after start. */
  reference?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Where `reference` comes from (default `file`): a model's reference follows the model in service (useModelReference). */
  referenceFrom?: 'file' | 'model';
  routerId: string;
  now?: () => number;
  /** Runs the queue later (default: within DRAIN_MS, on a timer that keeps no process alive). */
  schedule?: (work: () => void) => void;
}

/** What the monitor reads of one record, taken when it is told of it (nothing of the decision kept). */
class RecordSignal {
  constructor(
    readonly id: string,
    readonly atMs: number,
    /** The record's segment as the record says it (folded into `other` when it is handled). */
    readonly segment: string,
    readonly taskFamily: string,
    readonly length: string,
    readonly language: string,
    readonly answers: readonly AnswerObservation[],
    /** What feedback grades: the model, and the quality predicted for it (NaN: nothing). */
    readonly model: string,
    readonly predicted: number,
  ) {}
}

type Event = RecordSignal | { feedback: Feedback } | { outcome: ReportedOutcome };

const NO_ANSWERS: readonly AnswerObservation[] = Object.freeze([]);

const OTHER = 'other';
/** Events handled per tick before the monitor yields. */
const SLICE = 2_000;
/**
 * How long events wait to be handled: one timer for every event of that time, where a
 * setImmediate per tick was an extra turn of the event loop for every call of a router at one
 * call in flight.
 */
const DRAIN_MS = 20;

export class DriftMonitor {
  private queue: Event[] = [];
  private scheduled = false;
  private droppedEvents = 0;
  private processed = 0;
  private readonly quality: QualityDriftDetector;
  private readonly provider: ProviderShiftDetector;
  private traffic: TrafficMixDetector | undefined;
  /** Counts of the first window, when no reference was given. */
  private learning: TrafficCounts | undefined;
  private learned = 0;
  /** Where the traffic reference in use came from. */
  private referenceFrom: 'file' | 'model' | 'first window';
  /** What the first window followed. */
  private firstWindowAfter = 'start';
  private readonly segments = new Set<string>();
  /** Decisions feedback may grade (none without a quality metric). */
  private readonly targets: JoinWindow | undefined;
  /** The traffic features of the record being handled (the detectors count them and keep nothing of it). */
  private readonly features = { task_family: '', length: '', language: '', segment: '' };
  private readonly early: LRUCache<string, Feedback[]>;
  private readonly metrics: ReadonlyMap<string, QualityMetric>;
  private list: DriftAlarmEvent[] = [];
  private readonly listeners = new Set<(a: DriftAlarmEvent) => void>();
  private nextPurgeMs: number;
  private readonly now: () => number;
  private readonly schedule: (work: () => void) => void;

  constructor(private readonly o: DriftMonitorOptions) {
    const c = o.config;
    this.now = o.now ?? Date.now;
    this.schedule = o.schedule ?? ((w) => void setTimeout(w, DRAIN_MS).unref());
    this.quality = new QualityDriftDetector({ warmup: c.quality.warmup, minDrop: c.quality.min_drop, arl0: c.quality.arl0 });
    this.provider = new ProviderShiftDetector({ warmup: c.provider.warmup, minRateRise: c.provider.min_rate_rise, minLengthFactor: c.provider.min_length_factor, arl0: c.provider.arl0 });
    this.referenceFrom = o.reference ? (o.referenceFrom ?? 'file') : 'first window';
    if (o.reference) this.traffic = new TrafficMixDetector(this.foldSegments(o.reference), this.trafficOptions());
    else this.learning = {};
    // Expiry reads the monitor's clock on every check (ttlResolution 0), so an injected clock holds.
    const expiry = { ttl: c.join_ttl_ms, ttlResolution: 0, perf: { now: () => this.now() } };
    this.early = new LRUCache({ max: Math.max(16, Math.ceil(c.join_window / 10)), ...expiry });
    this.nextPurgeMs = this.now() + c.join_ttl_ms / 10;
    this.metrics = new Map(o.qualityMetrics.map((m) => [m.metric, m]));
    this.targets = this.metrics.size > 0 ? new JoinWindow(c.join_window, c.join_ttl_ms, this.now) : undefined;
  }

  /** Where the traffic reference came from, as the status page says it. */
  get referenceSource(): 'the reference file' | "the router model's training traffic" | 'first window' | 'learning first window' {
    if (this.referenceFrom === 'file') return 'the reference file';
    if (this.referenceFrom === 'model') return "the router model's training traffic";
    return this.learning ? 'learning first window' : 'first window';
  }

  /**
   * The router model in service changed: its training traffic (header training.traffic)
   * becomes the reference, the window in progress starting afresh. A model without one leaves
   * a learned first window in place, but not the previous model's traffic: then the first
   * window after the change is learned. A reference file, when given, stays.
   */
  useModelReference(reference: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined): void {
    if (this.referenceFrom === 'file') return;
    if (reference) {
      this.traffic = new TrafficMixDetector(this.foldSegments(reference), this.trafficOptions());
      this.learning = undefined;
      this.referenceFrom = 'model';
    } else if (this.referenceFrom === 'model') {
      this.traffic = undefined;
      this.learning = {};
      this.learned = 0;
      this.referenceFrom = 'first window';
      this.firstWindowAfter = 'the router model changed';
    }
  }

  /**
   * A reference's segments as the live traffic's are binned: its busiest segments are watched
   * (while fewer than max_segments are), and the rest, like live segments past that, count
   * together as `other`; otherwise a reference of many segments would read as drift on `segment`.
   */
  private foldSegments(reference: Readonly<Record<string, Readonly<Record<string, number>>>>): Readonly<Record<string, Readonly<Record<string, number>>>> {
    const bins = reference.segment;
    if (!bins) return reference;
    const ranked = Object.entries(bins).sort((a, b) => b[1] - a[1]);
    for (const [name] of ranked) this.segment(name);
    const folded: Record<string, number> = {};
    for (const [name, n] of ranked) {
      const bin = this.segments.has(name) ? name : OTHER;
      folded[bin] = (folded[bin] ?? 0) + n;
    }
    return { ...reference, segment: folded };
  }

  private trafficOptions() {
    const t = this.o.config.traffic;
    return { window: t.window, alpha: t.alpha, minPsi: t.min_psi };
  }

  on(listener: (a: DriftAlarmEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(r: RecordView): void {
    if (this.admit()) this.push(this.signal(r));
  }

  feedback(f: Feedback): void {
    if (f.decisionId && this.metrics.has(f.metric ?? '') && this.admit()) this.push({ feedback: f });
  }

  outcome(o: ReportedOutcome): void {
    if (this.admit()) this.push({ outcome: o });
  }

  /** What the detectors will read of `r`. */
  private signal(r: RecordView): RecordSignal {
    const atMs = Number(r.timeUnixMs ?? this.now());
    const target = this.targets ? qualityTarget(r) : undefined;
    return new RecordSignal(
      r.decisionId ?? '',
      atMs,
      recordSegment(r),
      taskFamily(r),
      lengthBucket(Number(r.features?.estimatedInputTokens ?? 0)),
      r.features?.script || 'unknown',
      r.outcome ? answerObservations(r, atMs) : NO_ANSWERS,
      target?.model ?? '',
      target ? target.predicted : Number.NaN,
    );
  }

  /** An alarm another router raised (from the bus): listed beside this one's own. */
  remember(a: DriftAlarmEvent): void {
    this.keep(a);
  }

  /** Alarms, newest first. */
  alarms(): readonly DriftAlarmEvent[] {
    return this.list;
  }

  /** Alarms raised within `active_ms`, per kind. */
  active(): Record<DriftKindName, number> {
    const since = this.now() - this.o.config.active_ms;
    const counts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKindName, number>;
    for (const a of this.list) if (a.raisedAtMs >= since) counts[a.kind]++;
    return counts;
  }

  /** `remembered`: decisions kept for joining feedback (stale ones count until the next purge). */
  get stats(): { queued: number; dropped: number; processed: number; remembered: number; qualityStreams: { streams: number; ready: number } } {
    return { queued: this.queue.length, dropped: this.droppedEvents, processed: this.processed, remembered: this.targets?.count ?? 0, qualityStreams: this.quality.size };
  }

  /** Works through everything queued now (tests; the scheduled drain does the same in slices). */
  flush(): void {
    while (this.queue.length > 0) this.drain(Number.POSITIVE_INFINITY);
  }

  /** Whether an event may be queued (past queue_size it is dropped and counted). */
  private admit(): boolean {
    if (!this.o.config.enabled) return false;
    if (this.queue.length < this.o.config.queue_size) return true;
    this.droppedEvents++;
    return false;
  }

  private push(e: Event): void {
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.drain(SLICE);
      });
    }
  }

  private drain(limit: number): void {
    const batch = this.queue.length <= limit ? this.queue : this.queue.slice(0, limit);
    this.queue = this.queue.length <= limit ? [] : this.queue.slice(limit);
    for (const e of batch) {
      this.processed++;
      try {
        if (e instanceof RecordSignal) this.onRecord(e);
        else if ('feedback' in e) this.onFeedback(e.feedback);
        else this.onOutcome(e.outcome);
      } catch {
        // A malformed event is skipped; the monitor keeps watching.
      }
    }
    this.purge();
    if (this.queue.length > 0 && !this.scheduled && limit !== Number.POSITIVE_INFINITY) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.drain(SLICE);
      });
    }
  }

  /** Lets go of joins older than join_ttl_ms, at most every tenth of that time. */
  private purge(): void {
    const now = this.now();
    if (now < this.nextPurgeMs) return;
    this.nextPurgeMs = now + this.o.config.join_ttl_ms / 10;
    this.targets?.purgeStale();
    this.early.purgeStale();
  }

  private segment(raw: string): string {
    if (this.segments.has(raw)) return raw;
    if (this.segments.size >= this.o.config.max_segments) return OTHER;
    this.segments.add(raw);
    return raw;
  }

  private onRecord(r: RecordSignal): void {
    const segment = this.segment(r.segment);
    const features = this.features;
    features.task_family = r.taskFamily;
    features.length = r.length;
    features.language = r.language;
    features.segment = segment;
    this.observeTraffic(features, r.atMs);
    for (const obs of r.answers) for (const a of this.provider.observe(obs)) this.raise(fromProvider(a));
    const targets = this.targets;
    if (!targets || !r.model || !Number.isFinite(r.predicted) || !r.id) return;
    targets.set(r.id, r.model, segment, r.predicted, r.atMs);
    const waiting = this.early.get(r.id);
    if (waiting) {
      this.early.delete(r.id);
      const t: Joined = { model: r.model, segment, predicted: r.predicted, atMs: r.atMs };
      for (const f of waiting) this.grade(t, f);
    }
  }

  private onFeedback(f: Feedback): void {
    const id = f.decisionId!;
    const t = this.targets?.get(id);
    if (t) {
      this.grade(t, f);
      return;
    }
    const list = this.early.get(id) ?? [];
    if (list.length < 8) list.push(f);
    this.early.set(id, list);
  }

  private onOutcome(o: ReportedOutcome): void {
    const obs = reportedObservation(o, Number(o.timeUnixMs ?? this.now()));
    if (obs) for (const a of this.provider.observe(obs)) this.raise(fromProvider(a));
    // The client's call decides which model the decision's feedback grades.
    const t = o.decisionId ? this.targets?.get(o.decisionId) : undefined;
    if (t && o.model && o.model !== t.model) this.targets!.delete(o.decisionId!);
  }

  private grade(t: Joined, f: Feedback): void {
    const m = this.metrics.get(f.metric ?? '');
    if (!m) return;
    const v = Number(f.value);
    if (!Number.isFinite(v)) return;
    let y = (v - m.min) / (m.max - m.min);
    if (m.lowerIsBetter) y = 1 - y;
    y = Math.min(1, Math.max(0, y));
    const alarm = this.quality.observe({ model: t.model, segment: t.segment, predicted: t.predicted, observed: y, atMs: t.atMs });
    if (alarm) this.raise(fromQuality(alarm));
  }

  private observeTraffic(features: Record<string, string>, atMs: number): void {
    if (this.traffic) {
      const against = this.referenceFrom === 'first window' ? `the first ${this.o.config.traffic.window} requests after ${this.firstWindowAfter}` : undefined;
      for (const a of this.traffic.observe(features, atMs)) this.raise(fromTraffic(a, against));
      return;
    }
    const counts = this.learning!;
    countFeatures(counts, features);
    if (++this.learned >= this.o.config.traffic.window) {
      this.traffic = new TrafficMixDetector(counts, this.trafficOptions());
      this.learning = undefined;
    }
  }

  private raise(a: Omit<DriftAlarmEvent, 'raisedAtMs' | 'routerId'>): void {
    const alarm: DriftAlarmEvent = { ...a, raisedAtMs: this.now(), routerId: this.o.routerId };
    this.keep(alarm);
    for (const l of this.listeners) {
      try {
        l(alarm);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private keep(a: DriftAlarmEvent): void {
    this.list = [a, ...this.list].slice(0, this.o.config.max_alarms);
  }
}

type Raised = Omit<DriftAlarmEvent, 'raisedAtMs' | 'routerId'>;

function fromQuality(a: QualityDriftAlarm): Raised {
  return { kind: 'quality', model: a.model, segment: a.segment, measure: 'quality', baseline: a.baseline, current: a.current, sinceMs: a.sinceMs, message: a.message };
}

function fromProvider(a: ProviderShiftAlarm): Raised {
  return { kind: 'provider', model: a.model, segment: '', measure: a.measure, baseline: a.baseline, current: a.current, sinceMs: a.sinceMs, message: a.message };
}

/** `against`: what the reference is, when it is not the training distribution. */
function fromTraffic(a: TrafficMixAlarm, against?: string): Raised {
  const what = against ? a.message.replace('the training distribution', against) : a.message;
  return { kind: 'traffic', model: '', segment: '', measure: a.feature, baseline: a.threshold, current: a.psi, sinceMs: a.sinceMs, message: `${what} since ${new Date(a.sinceMs).toISOString()}` };
}
