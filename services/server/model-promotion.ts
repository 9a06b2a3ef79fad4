/**
 * What `switchyard model promote | rollback | status` do, straight on NATS (JetStream), with
 * the bus credentials of the config or the environment: those credentials, not a tenant's API
 * key, are what allows a promotion. The model is checked before it is published: it must
 * parse and map onto the catalog of the config given (every replica checks it again against
 * its own). A file is promoted as its name and the start of its SHA-256 (as a replica names
 * the file it loads) unless a version is given.
 */
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { connectionOptions } from '../shared/bus/nats-bus.js';
import { natsOptions, natsServers } from '../shared/bus/create-bus.js';
import { Catalog } from '../shared/catalog.js';
import type { Config } from '../shared/config/schema.js';
import type { ModelPointer, ReplicaReport } from '../router/model/model-pointer.js';
export type { ModelPointer, ReplicaReport } from '../router/model/model-pointer.js';
import { ModelRegistry } from '../router/model/model-registry.js';
import { fileVersion } from '../router/model/model-store.js';
import { resolvePrior } from '../router/model/quality-prior.js';
import { decodeRouterModel } from '../router/model/router-model-file.js';

export interface PromotionTarget {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** Overrides NATS_URL and bus.nats.servers. */
  natsUrl?: string;
}

export interface ModelStatus {
  /** The pointer in force; undefined when nothing was promoted. */
  pointer?: ModelPointer;
  /** Every pointer revision kept, oldest first. */
  history: ModelPointer[];
  replicas: ReplicaReport[];
}

async function withRegistry<T>(t: PromotionTarget, run: (r: ModelRegistry) => Promise<T>): Promise<T> {
  const env = t.natsUrl ? { ...t.env, NATS_URL: t.natsUrl } : t.env;
  if (natsServers(t.config.bus, env).length === 0) {
    throw new Error('no NATS server is configured (--nats, NATS_URL or bus.nats.servers); without NATS, replace each router\'s model file (router.model_file): it is reloaded when it changes');
  }
  const opts = natsOptions(t.config.bus, env, 'switchyard-model');
  let nc;
  try {
    nc = await connect({ ...connectionOptions(opts), reconnect: false, timeout: 5_000 });
  } catch (e) {
    throw new Error(`cannot connect to NATS at ${opts.servers.join(',')}: ${(e as Error).message}`);
  }
  try {
    return await run(await ModelRegistry.open(nc));
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Reads and checks a model file; throws an error naming the file and what is wrong. */
export function readPromotable(file: string, config: Config, env: NodeJS.ProcessEnv): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const model = decodeRouterModel(bytes);
    for (const m of new Catalog(config, env).models) {
      try {
        resolvePrior(m.config.quality, model.header);
      } catch (e) {
        throw new Error(`it does not fit the catalog: models[${m.index}].quality (${m.id}): ${(e as Error).message}`);
      }
    }
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return bytes;
}

export async function promoteModel(t: PromotionTarget, file: string, version?: string): Promise<ModelPointer> {
  const bytes = readPromotable(file, t.config, t.env);
  return withRegistry(t, async (r) => {
    const pointer = await r.promote(bytes, version ?? fileVersion(file, bytes));
    await r.prune();
    return pointer;
  });
}

/** The pointer rolled back to; undefined when the first promotion was rolled back (every replica serves its model file again). */
export async function rollbackModel(t: PromotionTarget): Promise<ModelPointer | undefined> {
  return withRegistry(t, async (r) => {
    const pointer = await r.rollback();
    await r.prune();
    return pointer;
  });
}

export async function modelStatus(t: PromotionTarget): Promise<ModelStatus> {
  return withRegistry(t, async (r) => {
    const current = await r.current();
    return { ...(current ? { pointer: current.pointer } : {}), history: await r.history(), replicas: await r.reports() };
  });
}
