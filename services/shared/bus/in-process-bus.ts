/** The bus of a single process: the same contract as NatsBus, delivered in a microtask. */
import type { Bus, BusHandler, BusStats, BusStatus } from './bus.js';
import { subjectMatches } from './subjects.js';

export class InProcessBus implements Bus {
  readonly kind = 'in-process';
  readonly status: BusStatus = 'connected';
  readonly stats: BusStats = { published: 0, received: 0 };
  private readonly subs = new Set<{ pattern: string; handler: BusHandler }>();
  private closed = false;

  publish(subject: string, data: Uint8Array): void {
    if (this.closed) return;
    this.stats.published++;
    const targets = [...this.subs].filter((s) => subjectMatches(s.pattern, subject));
    if (targets.length === 0) return;
    queueMicrotask(() => {
      for (const s of targets) {
        if (!this.subs.has(s)) continue;
        this.stats.received++;
        s.handler(subject, data);
      }
    });
  }

  subscribe(pattern: string, handler: BusHandler): () => void {
    const s = { pattern, handler };
    this.subs.add(s);
    return () => this.subs.delete(s);
  }

  onStatus(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
  }
}
