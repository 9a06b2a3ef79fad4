/**
 * Whether a router-only process can execute anything: it needs at least one executor, found on
 * the bus or listed in executor.remote. Watches the executors the bus announces and the bus
 * connection itself, logs every executor that joins or goes and every loss and return of the
 * bus, and says why Execute cannot be served when it cannot (`reason()`). Decide goes on
 * regardless; the routing state marks each model no executor serves as unavailable.
 */
import type { Bus, BusStatus } from '../../shared/bus/bus.js';
import type { Logger } from '../../shared/log.js';
import type { BusRoutingState } from './bus-routing-state.js';

export interface ExecutorReadinessOptions {
  busState: BusRoutingState;
  bus: Bus;
  /** executor.remote: executors assumed to be there without announcements. */
  staticAddresses: readonly string[];
  log: Logger;
  /** Called when readiness changes (true: at least one executor is known). */
  onChange?: (ready: boolean) => void;
  now?: () => number;
}

export class ExecutorReadiness {
  private known = new Map<string, string>();
  private ready: boolean;
  private busStatus: BusStatus;
  private readonly offs: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly o: ExecutorReadinessOptions) {
    this.now = o.now ?? Date.now;
    this.busStatus = o.bus.status;
    this.ready = this.compute();
    if (!this.ready) o.log.warn('no executor is reachable yet: models are unavailable and Execute is NOT_SERVING until one announces itself on the bus', { bus: o.bus.kind });
    this.offs.push(
      o.busState.onChange(() => this.update()),
      o.bus.onStatus((s) => this.onBus(s)),
    );
  }

  private compute(): boolean {
    return this.o.staticAddresses.length > 0 || this.known.size > 0;
  }

  private onBus(s: BusStatus): void {
    if (s === this.busStatus) return;
    this.busStatus = s;
    if (s === 'disconnected') this.o.log.warn('lost the bus (NATS): routing on the last known executors and health until it returns', { executors: this.known.size });
    else this.o.log.info('bus (NATS) connection regained: asking executors for their state', {});
  }

  private update(): void {
    const live = new Map(this.o.busState.executors.live(this.now()).map((e) => [e.id, e.address]));
    for (const [id, address] of live) if (!this.known.has(id)) this.o.log.info('executor joined', { executor: id, address });
    for (const [id, address] of this.known) if (!live.has(id)) this.o.log.warn('executor lost: not heard of within its announce TTL', { executor: id, address });
    this.known = live;
    const ready = this.compute();
    if (ready === this.ready) return;
    this.ready = ready;
    if (ready) this.o.log.info('an executor is reachable again: Execute is SERVING', { executors: live.size });
    else this.o.log.error('no executor is reachable: models are unavailable and Execute is NOT_SERVING', { bus: this.busStatus });
    this.o.onChange?.(ready);
  }

  /** Why Execute cannot be served now, or null when it can. */
  reason(): string | null {
    if (this.ready) return null;
    return this.busStatus === 'disconnected'
      ? 'no executor is reachable: this router has lost the bus (NATS) and knows of no executor'
      : 'no executor is reachable: none has announced itself on the bus, and executor.remote lists none';
  }

  close(): void {
    for (const off of this.offs) off();
  }
}
