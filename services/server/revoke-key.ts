/** Revokes an API key on every replica, through the key-value bucket they watch (`switchyard revoke-key`). */
import { natsOptions, natsServers } from '../shared/bus/create-bus.js';
import type { Config } from '../shared/config/schema.js';
import { KvTenancyStore } from '../router/tenancy/kv-cas-store.js';
export { hashKey } from '../router/tenancy/tenant.js';

/** Throws when no NATS server is configured or the bucket cannot be written. */
export async function revokeKey(config: Config, env: NodeJS.ProcessEnv, hash: string): Promise<void> {
  if (natsServers(config.bus, env).length === 0) {
    throw new Error('no NATS server is configured (NATS_URL or bus.nats.servers); without NATS, take the key out of the config and restart');
  }
  const store = new KvTenancyStore({ nats: natsOptions(config.bus, env, 'switchyard-revoke-key'), replicas: config.bus.kv_replicas, onRevocation: () => undefined });
  try {
    await store.revoke(hash);
  } finally {
    await store.close();
  }
}
