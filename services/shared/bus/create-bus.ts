/**
 * Chooses the bus: NATS when NATS_URL (comma-separated URLs) or bus.nats.servers names a
 * server, otherwise the in-process bus. Credentials come only from the environment, through
 * the variables bus.nats names: a token, a user and password, or an nkey seed. TLS files come
 * from the config or NATS_TLS_CA / NATS_TLS_CERT / NATS_TLS_KEY.
 */
import type { BusConfig } from '../config/schema.js';
import type { Bus } from './bus.js';
import { InProcessBus } from './in-process-bus.js';
import { NatsBus, type NatsBusOptions } from './nats-bus.js';

export function natsServers(cfg: BusConfig, env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.NATS_URL ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv : cfg.nats.servers;
}

export function natsOptions(cfg: BusConfig, env: NodeJS.ProcessEnv, name: string): NatsBusOptions {
  const n = cfg.nats;
  const value = (k: string) => (env[k] ? env[k] : undefined);
  const token = value(n.token_env);
  const user = value(n.user_env);
  const password = value(n.password_env);
  const nkeySeed = value(n.nkey_seed_env);
  const caFile = env.NATS_TLS_CA || n.tls?.ca_file;
  const certFile = env.NATS_TLS_CERT || n.tls?.cert_file;
  const keyFile = env.NATS_TLS_KEY || n.tls?.key_file;
  const tls = caFile || certFile || keyFile ? { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) } : undefined;
  return {
    servers: natsServers(cfg, env),
    name,
    ...(token ? { token } : {}),
    ...(user ? { user, ...(password ? { password } : {}) } : {}),
    ...(nkeySeed ? { nkeySeed } : {}),
    ...(tls ? { tls } : {}),
  };
}

export function createBus(cfg: BusConfig, env: NodeJS.ProcessEnv, name: string, onError?: (message: string) => void): Bus {
  if (natsServers(cfg, env).length === 0) return new InProcessBus();
  return new NatsBus({ ...natsOptions(cfg, env, name), ...(onError ? { onError } : {}) });
}
