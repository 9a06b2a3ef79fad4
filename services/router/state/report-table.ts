/**
 * The latest report of each executor on one subject, merged by sequence number and expiry: a
 * report replaces the one held only when its sequence number is higher, or the one held has
 * expired (an executor that restarted starts a new sequence). A report holds for its `ttl_ms`
 * from when it arrived (the receiver's clock: publishers' clocks may differ); past that it is
 * stale and consumers let it decay to "nothing known".
 */
export interface Report {
  executorId: string;
  seq: number;
  ttlMs: number;
}

export interface Held<R> {
  report: R;
  receivedAtMs: number;
  /** The report's models by id. */
  byModel: ReadonlyMap<string, R extends { models: readonly (infer M)[] } ? M : never>;
}

export class ReportTable<R extends Report & { models: readonly { model: string }[] }> {
  private readonly held = new Map<string, Held<R>>();

  /** Takes a report in; false when it was older than the one held. */
  merge(report: R, now: number): boolean {
    const cur = this.held.get(report.executorId);
    if (cur && report.seq <= cur.report.seq && !this.expired(cur, now)) return false;
    this.held.set(report.executorId, { report, receivedAtMs: now, byModel: new Map(report.models.map((m) => [m.model, m])) as unknown as Held<R>['byModel'] });
    return true;
  }

  expired(h: Held<R>, now: number): boolean {
    return now - h.receivedAtMs > h.report.ttlMs;
  }

  /** When the report of `executorId` expires, if one is held. */
  expiresAt(h: Held<R>): number {
    return h.receivedAtMs + h.report.ttlMs;
  }

  get(executorId: string, now: number): Held<R> | undefined {
    const h = this.held.get(executorId);
    return h && !this.expired(h, now) ? h : undefined;
  }

  /** Fresh reports; drops those long expired. */
  *fresh(now: number): IterableIterator<Held<R>> {
    for (const [id, h] of this.held) {
      if (!this.expired(h, now)) yield h;
      else if (now - h.receivedAtMs > 10 * h.report.ttlMs) this.held.delete(id);
    }
  }

  delete(executorId: string): void {
    this.held.delete(executorId);
  }

  get size(): number {
    return this.held.size;
  }
}
