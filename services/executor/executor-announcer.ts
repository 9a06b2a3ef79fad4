/**
 * Announces an executor on `switchyard.v1.executor.announce`: its id, the address routers
 * reach it at, the models it can call and its load. At start, every `intervalMs`, when a
 * router asks (sync), and once more with `withdrawn` set when it shuts down.
 */
import type { Bus } from '../shared/bus/bus.js';
import { encode } from '../shared/bus/codec.js';
import { SUBJECTS } from '../shared/bus/subjects.js';
import type { CallObserver } from './call-observer.js';

export class ExecutorAnnouncer {
  private seq: number;
  private readonly tick: NodeJS.Timeout;
  private withdrawn = false;
  private readonly now: () => number;

  constructor(private readonly o: { bus: Bus; executorId: string; address: string; models: readonly string[]; observer: CallObserver; intervalMs: number; ttlMs: number; now?: () => number }) {
    this.now = o.now ?? Date.now;
    this.seq = this.now() * 1000;
    this.tick = setInterval(() => this.announce(), o.intervalMs);
    this.tick.unref();
    this.announce();
  }

  announce(): void {
    if (this.withdrawn) return;
    this.send(false);
  }

  private send(withdrawn: boolean): void {
    const load = [...this.o.observer.models].filter(([, c]) => c.inFlight > 0).map(([model, c]) => ({ model, inFlight: c.inFlight }));
    this.o.bus.publish(
      SUBJECTS.announce(),
      encode('announce', {
        executorId: this.o.executorId,
        seq: ++this.seq,
        sentAtMs: this.now(),
        ttlMs: this.o.ttlMs,
        address: this.o.address,
        models: [...this.o.models],
        inFlight: this.o.observer.inFlight,
        load,
        withdrawn,
      }),
    );
  }

  /** Says the executor is leaving: routers stop sending it calls. */
  withdraw(): void {
    if (this.withdrawn) return;
    this.withdrawn = true;
    clearInterval(this.tick);
    this.send(true);
  }

  close(): void {
    clearInterval(this.tick);
  }
}
