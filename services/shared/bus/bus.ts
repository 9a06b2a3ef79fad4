/**
 * The bus contract. Two implementations: NatsBus (several processes, one NATS server or
 * cluster) and InProcessBus (one process, no NATS). Both:
 *
 *  - `publish(subject, bytes)` never throws and never waits: while disconnected a message is
 *    buffered or dropped (a bus carries state that is republished, not commands).
 *  - `subscribe(pattern, handler)` holds across reconnects; NATS wildcards (`*`, `>`) work
 *    the same in both. Handlers run one at a time, after `publish` returned, never inside it.
 *  - `onStatus` reports 'connected' and 'disconnected'; a consumer re-asks for state after a
 *    reconnect ('connected' after 'disconnected').
 *  - `stats` counts messages, so that the load the bus carries can be measured.
 */
export type BusStatus = 'connected' | 'disconnected';

export type BusHandler = (subject: string, data: Uint8Array) => void;

export interface BusStats {
  published: number;
  received: number;
}

export interface Bus {
  readonly kind: 'nats' | 'in-process';
  publish(subject: string, data: Uint8Array): void;
  subscribe(pattern: string, handler: BusHandler): () => void;
  readonly status: BusStatus;
  onStatus(listener: (status: BusStatus) => void): () => void;
  readonly stats: Readonly<BusStats>;
  /** Flushes what was published and closes; idempotent. */
  close(): Promise<void>;
}
