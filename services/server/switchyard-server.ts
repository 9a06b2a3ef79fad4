/**
 * Assembles a Switchyard process in one of three roles: `all` (router and executor in one
 * process, the executor called in-process), `router` (executors reached over gRPC), or
 * `executor`. Every server also serves the standard health service and server reflection,
 * and shuts down gracefully, draining in-flight calls.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { ProtoGrpcType as ExecutorProto } from '../generated/executor_service.js';
import { Executor } from '../executor/executor.js';
import { executorServiceHandlers } from '../executor/executor-service.js';
import type { ExecutorClient } from '../shared/contracts/invoke.js';
import { startSimulator, type Simulator } from '../executor/simulator/simulator-server.js';
import { ReplayPlayer } from '../executor/simulator/replay.js';
import { readRoutingData } from '../shared/routing-data.js';
import { Decider } from '../router/decide/decide.js';
import { ExecuteEngine } from '../router/execute/execute-engine.js';
import { executeHandlers } from '../router/execute-handlers.js';
import { ModelStore } from '../router/model/model-store.js';
import { listModels, routerServiceHandlers } from '../router/router-service.js';
import { startHttpGateway, type HttpGateway } from '../gateway/http-gateway.js';
import { fallbackErrors, gatewayRoutes } from '../gateway/gateway-routes.js';
import { BusRoutingState } from '../router/state/bus-routing-state.js';
import { ExecutorPool } from '../router/executor-pool.js';
import { PromptCacheRouting } from '../router/cache/prompt-cache.js';
import { PromptCacheTable } from '../router/cache/prompt-cache-table.js';
import { startExecutorBusAgent, type ExecutorBusAgent } from '../executor/executor-bus-agent.js';
import type { Bus } from '../shared/bus/bus.js';
import { createBus } from '../shared/bus/create-bus.js';
import { RoutingState } from '../router/state/routing-state.js';
import { Catalog } from '../shared/catalog.js';
import { loadConfig, type LoadedConfig } from '../shared/config/load-config.js';
import type { Config } from '../shared/config/schema.js';
import { dirname, resolve } from 'node:path';
import { switchyardProto } from '../shared/grpc/proto.js';
import { reflectionService } from '../shared/grpc/reflection.js';
import { createLogger, type Logger } from '../shared/log.js';

export const ROLES = ['all', 'router', 'executor'] as const;
export type Role = (typeof ROLES)[number];

export interface ServerOptions {
  /** Config file; the built-in default when undefined. */
  configPath?: string;
  /** Overrides server.listen. */
  listen?: string;
  role?: Role;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Watch the router model file and reload it when it changes (default true). */
  watchModel?: boolean;
  /** Overrides executor.remote (router role). */
  executors?: string[];
  /** Cap on the simulator's time to first token, ms (default 2000). */
  simulatorMaxTtftMs?: number;
  /** Overrides server.http_listen: where the OpenAI- and Anthropic-compatible HTTP front door listens (router roles). */
  httpListen?: string;
}

export interface RunningServer {
  /** host:port actually bound (port resolved when 0 was asked for). */
  address: string;
  port: number;
  role: Role;
  loaded: LoadedConfig;
  catalog: Catalog;
  /** Router roles only. */
  state?: RoutingState;
  models?: ModelStore;
  decider?: Decider;
  engine?: ExecuteEngine;
  /** Executor roles only. */
  executor?: Executor;
  simulator?: Simulator;
  /** The bus (NATS or in-process) and what each role does on it. */
  bus: Bus;
  busState?: BusRoutingState;
  /** Router role: the executors it calls, found on the bus. */
  pool?: ExecutorPool;
  busAgent?: ExecutorBusAgent;
  /** The HTTP front door, when server.http_listen or httpListen set it. */
  http?: HttpGateway;
  /** Stops at once, as a crash would: no drain, no withdrawal from the bus (for failure tests). */
  halt(): Promise<void>;
  /** Stops accepting calls, lets in-flight calls finish for up to `graceMs`, then cancels them. */
  shutdown(graceMs?: number): Promise<void>;
}

const ROUTER_SERVICE = 'switchyard.v1.RouterService';
const EXECUTOR_SERVICE = 'switchyard.v1.ExecutorService';

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const role = opts.role ?? 'all';
  const log = opts.log ?? createLogger('switchyard', env);
  if (opts.httpListen && role === 'executor') throw new Error('the HTTP front door (--http-listen) needs a router: use --role all or router');
  const loaded = loadConfig(opts.configPath);
  const { config } = loaded;
  // A router-only process holds no provider keys: its executors do.
  const catalog = new Catalog(config, env, { credentialsElsewhere: role === 'router' });
  const closers: (() => unknown)[] = [];
  const { grpcObject } = switchyardProto();
  const server = new grpc.Server({
    // Requests over the content limit get INVALID_ARGUMENT from validation; the transport
    // limit only stops what could not be a valid request at all.
    'grpc.max_receive_message_length': config.server.max_request_bytes * 2 + 1024 * 1024,
  });
  const running: Partial<RunningServer> = { role, loaded, catalog };
  const serving: Record<string, 'SERVING'> = { '': 'SERVING' };

  const bus = createBus(config.bus, env, `switchyard-${role}`, (message) => log.warn(message));
  running.bus = bus;
  let executorClient: ExecutorClient | undefined;
  if (role !== 'router') {
    const simulated = catalog.models.filter((m) => m.simulated);
    if (simulated.length > 0) {
      const cap = opts.simulatorMaxTtftMs ?? 2000;
      const replay = await replayPlayer(config.executor.simulator_replay, loaded.source);
      running.simulator = await startSimulator({
        models: simulated.map((m) => ({ id: m.id, ttftMs: Math.min(m.ttftMs, cap), tokensPerSecond: m.outputTokensPerSecond, contextWindow: m.contextWindow })),
        ...(replay ? { replay } : {}),
      });
      closers.push(() => running.simulator!.close());
      log.warn('no provider credentials for some models: their answers will be SIMULATED', { models: simulated.map((m) => m.id).join(','), simulator: running.simulator.url });
    }
    const executor = new Executor({ config, catalog, env, log, ...(running.simulator ? { simulatorUrl: running.simulator.url } : {}) });
    running.executor = executor;
    executorClient = executor;
    const agent = startExecutorBusAgent({ bus, executor, config: config.bus });
    running.busAgent = agent;
    closers.push(() => agent.close());
    server.addService((grpcObject as unknown as ExecutorProto).switchyard.v1.ExecutorService.service, executorServiceHandlers(executor, log));
    serving[EXECUTOR_SERVICE] = 'SERVING';
  }
  if (role !== 'executor') {
    const state = new RoutingState(catalog);
    const models = await ModelStore.open({ file: loaded.modelFile, catalog, wasm: config.router.wasm, log });
    if (opts.watchModel !== false) models.watch();
    closers.push(() => models.close());
    const b = config.bus;
    const cacheTable = new PromptCacheTable({ maxEntries: b.prompt_cache.max_entries });
    const busState = new BusRoutingState({ bus, state, catalog, cache: cacheTable, discovery: role === 'router', ...(running.busAgent ? { onlyExecutor: running.busAgent.id } : {}) });
    closers.push(() => busState.close());
    running.busState = busState;
    const promptCache = new PromptCacheRouting(cacheTable, { stickinessMargin: b.prompt_cache.stickiness_margin, maxSessions: b.prompt_cache.max_sessions, sessionTtlMs: b.prompt_cache.ttl_ms });
    const decider = new Decider({ config, catalog, scoring: models, status: state.current, promptCache });
    if (role === 'router') {
      const addresses = opts.executors ?? config.executor.remote;
      if (addresses.length === 0 && bus.kind !== 'nats') {
        throw new Error('the router role needs executors: set NATS_URL (or bus.nats.servers) to find them on the bus, or list their addresses in executor.remote (host:port)');
      }
      const pool = new ExecutorPool({ state: busState, staticAddresses: addresses, maxAttempts: b.max_executor_attempts });
      closers.push(() => pool.close());
      running.pool = pool;
      executorClient = pool;
    }
    const engine = new ExecuteEngine({ decider, executor: executorClient!, config, catalog });
    server.addService(
      grpcObject.switchyard.v1.RouterService.service,
      routerServiceHandlers({ decider, catalog, status: state.current, profiles: () => models.profiles(), log, execute: executeHandlers(engine, log) }),
    );
    serving[ROUTER_SERVICE] = 'SERVING';
    Object.assign(running, { state, models, decider, engine });
    const httpListen = opts.httpListen ?? config.server.http_listen;
    if (httpListen) {
      const deps = { engine, config, log, models: () => listModels({ catalog, status: state.current, profiles: () => models.profiles() }) };
      try {
        const gateway = await startHttpGateway({ listen: httpListen, routes: gatewayRoutes(deps), fallbackErrors, log });
        running.http = gateway;
        closers.unshift(() => gateway.close(0));
      } catch (e) {
        for (const c of closers) await c();
        await bus.close();
        throw new Error(`cannot listen for HTTP on ${httpListen}: ${(e as Error).message}`);
      }
    }
  }
  const health = new HealthImplementation(serving);
  health.addToServer(server);
  reflectionService(Object.keys(serving).filter((name) => name !== '')).addToServer(server);

  const listen = opts.listen ?? config.server.listen;
  let port: number;
  try {
    port = await bind(server, listen);
  } catch (e) {
    for (const c of closers) await c();
    await bus.close();
    throw new Error(`cannot listen on ${listen}: ${(e as Error).message}`);
  }
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const address = `${host}:${port}`;
  running.busAgent?.announce(address);
  const http = running.http;
  closers.push(() => bus.close());
  const unavailable = catalog.models.filter((m) => !m.hasCredentials && !m.simulated).map((m) => m.id);
  log.info('switchyard serving', { address, ...(http ? { http: http.address } : {}), role, config: loaded.source, models: catalog.models.length, ...(running.models ? { router_model: running.models.modelVersion } : {}), bus: bus.kind, ...(running.busAgent ? { executor_id: running.busAgent.id } : {}) });
  if (unavailable.length > 0) log.warn('models without credentials are unavailable', { models: unavailable.join(',') });

  let stopping: Promise<void> | undefined;
  const shutdown = (graceMs = config.server.shutdown_grace_ms) => {
    stopping ??= new Promise<void>((resolve) => {
      running.busAgent?.withdraw();
      for (const name of Object.keys(serving)) health.setStatus(name, 'NOT_SERVING');
      // Closing is idempotent: the closer that runs after the drain waits for this grace, not its own.
      void http?.close(graceMs);
      const finish = async () => {
        for (const c of closers) await c();
        resolve();
      };
      const force = setTimeout(() => {
        log.warn('shutdown grace period over; cancelling calls still in flight', { grace_ms: graceMs });
        server.forceShutdown();
        void finish();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        void finish();
      });
    });
    return stopping;
  };
  const halt = async () => {
    stopping ??= (async () => {
      server.forceShutdown();
      for (const c of closers) await c();
    })();
    return stopping;
  };
  return { ...(running as RunningServer), address, port, shutdown, halt };
}

/** The simulator's replay of routing data, when the config asks for one (files relative to the config file). */
async function replayPlayer(c: Config['executor']['simulator_replay'], configFile: string): Promise<ReplayPlayer | undefined> {
  if (c === undefined) return undefined;
  const data = await readRoutingData(c.data.map((f) => resolve(dirname(configFile), f)));
  return new ReplayPlayer({ prompts: data.prompts, models: c.models, ...(c.judge ? { judge: c.judge } : {}) });
}
