/**
 * The bus over NATS (@nats-io/transport-node). It never blocks its owner: the first
 * connection is made in the background (retrying for as long as it takes), nats.js reconnects
 * after a loss and keeps subscriptions, and if the client ever gives up, a new one is made and
 * every subscription is made again. While disconnected, publishes go to the client's
 * reconnect buffer (or nowhere before the first connection).
 */
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Bus, BusHandler, BusStats, BusStatus } from './bus.js';

export interface NatsBusOptions {
  /** One or more server URLs (nats://host:port, tls://host:port); comma-separated in one string works too. */
  servers: string[];
  /** Client name, shown by the server's monitoring. */
  name: string;
  token?: string;
  user?: string;
  password?: string;
  /** An nkey seed (SU...). */
  nkeySeed?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Wait between connection attempts. Default 250 ms. */
  reconnectWaitMs?: number;
  /** Called with connection problems (never with credentials). */
  onError?: (message: string) => void;
}

/** nats.js connection options for these bus options: reconnect for ever, credentials as given. */
export function connectionOptions(o: NatsBusOptions): ConnectionOptions {
  return {
    servers: o.servers,
    name: o.name,
    ...(o.token ? { token: o.token } : {}),
    ...(o.user ? { user: o.user, pass: o.password ?? '' } : {}),
    ...(o.nkeySeed ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(o.nkeySeed)) } : {}),
    ...(o.tls ? { tls: { ...o.tls } } : {}),
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: o.reconnectWaitMs ?? 250,
    reconnectJitter: 50,
    pingInterval: 5_000,
    maxPingOut: 2,
  };
}

interface Sub {
  pattern: string;
  handler: BusHandler;
  live?: Subscription;
}

export class NatsBus implements Bus {
  readonly kind = 'nats';
  readonly stats: BusStats = { published: 0, received: 0 };
  private nc: NatsConnection | undefined;
  private statusNow: BusStatus = 'disconnected';
  private readonly listeners = new Set<(s: BusStatus) => void>();
  private readonly subs = new Set<Sub>();
  private closing = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly o: NatsBusOptions) {
    if (o.servers.length === 0) throw new RangeError('a NATS bus needs at least one server URL');
    this.ready = new Promise((r) => (this.markReady = r));
    void this.dial();
  }

  get status(): BusStatus {
    return this.statusNow;
  }

  /** The current connection, for clients that need more than publish and subscribe (JetStream); undefined while down. */
  connection(): NatsConnection | undefined {
    return this.nc && !this.nc.isClosed() ? this.nc : undefined;
  }

  /** Resolves once connected for the first time (tests and start-up logs use it). */
  connected(): Promise<void> {
    return this.ready;
  }

  private setStatus(s: BusStatus): void {
    if (s === this.statusNow) return;
    this.statusNow = s;
    for (const l of this.listeners) l(s);
  }

  private async dial(): Promise<void> {
    if (this.closing) return;
    const o = this.o;
    try {
      const nc = await connect(connectionOptions(o));
      if (this.closing) {
        await nc.close();
        return;
      }
      this.nc = nc;
      for (const s of this.subs) this.attach(s);
      this.setStatus('connected');
      this.markReady();
      void this.watch(nc);
    } catch (e) {
      o.onError?.(`cannot connect to NATS: ${(e as Error).message}`);
      this.retry = setTimeout(() => void this.dial(), o.reconnectWaitMs ?? 250);
      this.retry.unref();
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    void nc.closed().then(() => {
      if (this.nc !== nc) return;
      this.nc = undefined;
      for (const s of this.subs) delete s.live;
      this.setStatus('disconnected');
      if (!this.closing) void this.dial();
    });
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.setStatus('disconnected');
      else if (s.type === 'reconnect') this.setStatus('connected');
    }
  }

  private attach(s: Sub): void {
    if (!this.nc) return;
    s.live = this.nc.subscribe(s.pattern, {
      callback: (err, msg) => {
        if (err) return;
        this.stats.received++;
        s.handler(msg.subject, msg.data);
      },
    });
  }

  publish(subject: string, data: Uint8Array): void {
    const nc = this.nc;
    if (!nc || this.closing) return;
    try {
      nc.publish(subject, data);
      this.stats.published++;
    } catch (e) {
      this.o.onError?.(`NATS publish failed: ${(e as Error).message}`);
    }
  }

  subscribe(pattern: string, handler: BusHandler): () => void {
    const s: Sub = { pattern, handler };
    this.subs.add(s);
    this.attach(s);
    return () => {
      this.subs.delete(s);
      s.live?.unsubscribe();
    };
  }

  onStatus(listener: (s: BusStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.retry);
    const nc = this.nc;
    this.nc = undefined;
    if (nc && !nc.isClosed()) {
      // A flush waits for the server; when the server is gone, close at once.
      await Promise.race([nc.flush().catch(() => undefined), new Promise((r) => setTimeout(r, 200).unref())]);
      await nc.close().catch(() => undefined);
    }
    this.setStatus('disconnected');
  }
}
