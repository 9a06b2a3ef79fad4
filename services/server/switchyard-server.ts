/**
 * Assembles a Switchyard process: configuration, catalog, router model, routing state,
 * the gRPC server with RouterService, the standard health service and server reflection,
 * and a graceful shutdown that drains in-flight calls.
 */
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { Catalog } from '../shared/catalog.js';
import { loadConfig, type LoadedConfig } from '../shared/config/load-config.js';
import { switchyardProto } from '../shared/grpc/proto.js';
import { createLogger, type Logger } from '../shared/log.js';
import { Decider } from '../router/decide/decide.js';
import { ModelStore } from '../router/model/model-store.js';
import { routerServiceHandlers } from '../router/router-service.js';
import { RoutingState } from '../router/state/routing-state.js';

export interface ServerOptions {
  /** Config file; the built-in default when undefined. */
  configPath?: string;
  /** Overrides server.listen; `SWITCHYARD_LISTEN` is read by the CLI. */
  listen?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Watch the router model file and reload it when it changes (default true). */
  watchModel?: boolean;
}

export interface RunningServer {
  /** host:port actually bound (port resolved when 0 was asked for). */
  address: string;
  port: number;
  loaded: LoadedConfig;
  catalog: Catalog;
  state: RoutingState;
  models: ModelStore;
  decider: Decider;
  /** Stops accepting calls, lets in-flight calls finish for up to `graceMs`, then cancels them. */
  shutdown(graceMs?: number): Promise<void>;
}

const SERVICE_NAME = 'switchyard.v1.RouterService';

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? createLogger('switchyard', env);
  const loaded = loadConfig(opts.configPath);
  const { config } = loaded;
  const catalog = new Catalog(config, env);
  const state = new RoutingState(catalog);
  const models = await ModelStore.open({ file: loaded.modelFile, catalog, wasm: config.router.wasm, log });
  if (opts.watchModel !== false) models.watch();
  const decider = new Decider({ config, catalog, scoring: models, status: state.current });

  const { definition, grpcObject } = switchyardProto();
  const server = new grpc.Server({
    // Requests over the content limit get INVALID_ARGUMENT from validation; the transport
    // limit only stops what could not be a valid request at all.
    'grpc.max_receive_message_length': config.server.max_request_bytes * 2 + 1024 * 1024,
  });
  server.addService(
    grpcObject.switchyard.v1.RouterService.service,
    routerServiceHandlers({ decider, catalog, status: state.current, profiles: () => models.profiles(), log }),
  );
  const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const listen = opts.listen ?? config.server.listen;
  const port = await bind(server, listen);
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const address = `${host}:${port}`;

  const simulated = catalog.models.filter((m) => m.simulated).map((m) => m.id);
  const unavailable = catalog.models.filter((m) => !m.hasCredentials && !m.simulated).map((m) => m.id);
  log.info('switchyard serving', { address, config: loaded.source, models: catalog.models.length, router_model: models.modelVersion });
  if (simulated.length > 0) log.warn('no provider credentials for some models: their answers will be SIMULATED', { models: simulated.join(',') });
  if (unavailable.length > 0) log.warn('models without credentials are unavailable', { models: unavailable.join(',') });

  let stopping: Promise<void> | undefined;
  const shutdown = (graceMs = config.server.shutdown_grace_ms) => {
    stopping ??= new Promise<void>((resolve) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(SERVICE_NAME, 'NOT_SERVING');
      models.close();
      const force = setTimeout(() => {
        log.warn('shutdown grace period over; cancelling calls still in flight', { grace_ms: graceMs });
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return stopping;
  };
  return { address, port, loaded, catalog, state, models, decider, shutdown };
}
