/**
 * Router roles with NATS follow promoted router models (router.model_promotion): the process
 * waits a little at start for the promoted model, so a replica that joins late serves the
 * same model as the others from its first decision, and never longer than
 * `startup_wait_ms` (NATS may be away; the model file then serves until it is back).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { natsOptions } from '../shared/bus/create-bus.js';
import type { Bus } from '../shared/bus/bus.js';
import type { Config } from '../shared/config/schema.js';
import type { Logger } from '../shared/log.js';
import { ModelFollower } from '../router/model/model-follower.js';
import type { ModelStore } from '../router/model/model-store.js';

export function defaultReplicaId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32) || 'router';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export async function followPromotedModels(o: { config: Config; env: NodeJS.ProcessEnv; bus: Bus; store: ModelStore; log: Logger; name: string }): Promise<ModelFollower | undefined> {
  const c = o.config.router.model_promotion;
  if (!c.enabled || o.bus.kind !== 'nats') return undefined;
  const follower = new ModelFollower({ nats: natsOptions(o.config.bus, o.env, o.name), store: o.store, log: o.log, replicaId: c.replica_id ?? defaultReplicaId(), reportIntervalMs: c.report_interval_ms });
  if (c.startup_wait_ms > 0) {
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([follower.synced().then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), c.startup_wait_ms)))]);
    clearTimeout(timer);
    if (!waited) o.log.warn('the promoted router model is not here yet; serving the model file until it is', { model: o.store.modelVersion, waited_ms: c.startup_wait_ms });
  }
  return follower;
}
