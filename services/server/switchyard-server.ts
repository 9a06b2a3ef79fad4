/**
 * Assembles a Switchyard process in one of three roles: `all` (router and executor in one
 * process, the executor called in-process), `router` (executors reached over gRPC), or
 * `executor`. Every server also serves the standard health service and server reflection,
 * and shuts down gracefully, draining in-flight calls.
 */
import { guardBodies } from '../shared/grpc/malformed-body.js';
import { Admission, admitCalls } from '../shared/grpc/admission.js';
import { ExecutorReadiness } from '../router/state/executor-readiness.js';
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
import { ExecuteEngine, type ExecuteRecorder } from '../router/execute/execute-engine.js';
import { executeHandlers } from '../router/execute-handlers.js';
import { ModelStore } from '../router/model/model-store.js';
import { listModels, routerServiceDefinition, routerServiceHandlers } from '../router/router-service.js';
import { DecisionLog } from '../router/record/decision-log.js';
import { createShadowEvaluator } from '../router/shadow/create-shadow.js';
import type { ShadowEvaluator } from '../router/shadow/shadow-evaluator.js';
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
import { createLogger, setLogLevel, type Logger } from '../shared/log.js';
import type { MetricsRecorder } from '../shared/metrics/metrics-recorder.js';
import { RpcTelemetry } from '../router/rpc-telemetry.js';
import { logAvailability } from './availability-log.js';
import { executorCircuits, metricLabelSets, observeExecutorCircuits } from './server-metrics.js';
import { startMonitoring, type Monitoring } from '../status/start-monitoring.js';
import { busCircuits } from '../status/bus-circuits.js';
import { startMetrics } from '../shared/metrics/start-metrics.js';
import { natsOptions } from '../shared/bus/create-bus.js';
import { channelSecurity, serverCredentials } from '../shared/tls/tls-files.js';
import { Tenancy } from '../router/tenancy/tenancy.js';
import { tenantsByKeyHash } from '../router/tenancy/tenant.js';
import { isLoopback, onLoopback } from './listen-address.js';
import { followPromotedModels } from './model-following.js';
import type { ModelFollower } from '../router/model/model-follower.js';

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
  /** host:port of the Prometheus `/metrics` endpoint; overrides telemetry.metrics_listen. */
  metricsListen?: string;
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
  /** Router roles with NATS: follows the router model promoted on JetStream. */
  modelFollower?: ModelFollower;
  decider?: Decider;
  engine?: ExecuteEngine;
  /** Where decisions are recorded (router roles, unless decision_log.enabled is false). */
  decisionLog?: DecisionLog;
  /** Shadow evaluation, when a shadow share is above 0 (router roles). */
  shadow?: ShadowEvaluator;
  /** Executor roles only. */
  executor?: Executor;
  simulator?: Simulator;
  /** The bus (NATS or in-process) and what each role does on it. */
  bus: Bus;
  busState?: BusRoutingState;
  /** Router role: the executors it calls, found on the bus. */
  pool?: ExecutorPool;
  busAgent?: ExecutorBusAgent;
  /** Counts what happens; NOOP_METRICS when metrics are off. Feedback and the decision log report here too. */
  metrics: MetricsRecorder;
  /** host:port of the `/metrics` scrape endpoint, when it is on. */
  metricsAddress?: string;
  /** Router roles: keys, tenants, budgets. */
  tenancy?: Tenancy;
  /** The bound on RouterService calls in flight (server.max_in_flight). */
  admission?: Admission;
  /** The bound on ExecutorService calls in flight (executor.max_in_flight). */
  executorAdmission?: Admission;
  /** The bound on HTTP front door requests in flight (server.http_max_in_flight). */
  httpAdmission?: Admission;
  /** Role all: where ExecutorService is served (apart from the public port). */
  internalAddress?: string;
  /** The HTTP front door, when server.http_listen or httpListen set it. */
  http?: HttpGateway;
  /** Router roles: the drift monitor and the status page's data (services/status/). */
  monitoring?: Monitoring;
  /** Stops at once, as a crash would: no drain, no withdrawal from the bus (for failure tests). */
  halt(): Promise<void>;
  /** Stops accepting calls, lets in-flight calls finish for up to `graceMs`, then cancels them. */
  shutdown(graceMs?: number): Promise<void>;
}

const ROUTER_SERVICE = 'switchyard.v1.RouterService';
const EXECUTOR_SERVICE = 'switchyard.v1.ExecutorService';
/** Health of Execute alone: NOT_SERVING while a router-only process knows of no executor. */
export const EXECUTE_HEALTH = 'switchyard.v1.RouterService.Execute';

function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

/** ExecutorService calls any model past routing, tenants and budgets: only authenticated routers may reach it. */
function checkExecutorExposure(address: string, key: string, mtls: boolean): void {
  if (!mtls && !isLoopback(address)) {
    throw new Error(`${key}: ExecutorService is served only to authenticated routers: listen on a loopback address, or turn on mTLS (server.tls with client_ca_file); got ${address}`);
  }
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const role = opts.role ?? 'all';
  const log = opts.log ?? createLogger('switchyard', env);
  if (opts.httpListen && role === 'executor') throw new Error('the HTTP front door (--http-listen) needs a router: use --role all or router');
  const loaded = loadConfig(opts.configPath);
  const { config } = loaded;
  setLogLevel(log, config.telemetry.log_level);
  // A router-only process holds no provider keys: its executors do.
  const catalog = new Catalog(config, env, { credentialsElsewhere: role === 'router' });
  const metrics = await startMetrics({ listen: opts.metricsListen ?? config.telemetry.metrics_listen, env, serviceName: `switchyard-${role}`, labels: metricLabelSets(config) });
  const closers: (() => unknown)[] = [];
  const { grpcObject } = switchyardProto();
  const serverOptions = {
    // Requests over the content limit get INVALID_ARGUMENT from validation; the transport
    // limit only stops what could not be a valid request at all.
    'grpc.max_receive_message_length': config.server.max_request_bytes * 2 + 1024 * 1024,
  };
  const server = new grpc.Server(serverOptions);
  const credentials = serverCredentials(config.server.tls);
  const mtls = config.server.tls?.client_ca_file !== undefined;
  // Role all: the router calls its executor in process; ExecutorService, for other routers,
  // gets a listener of its own, never the public port.
  const internal = role === 'all' ? new grpc.Server(serverOptions) : undefined;
  if (internal) checkExecutorExposure(config.server.internal_listen, 'server.internal_listen', mtls);
  // Keys are read (and a missing key variable reported) before anything is started.
  const tenantKeys = role === 'executor' ? undefined : tenantsByKeyHash(config, env);
  if (role === 'executor') checkExecutorExposure(opts.listen ?? config.server.listen, opts.listen ? '--listen' : 'server.listen', mtls);
  const running: Partial<RunningServer> = { role, loaded, catalog, metrics: metrics.recorder, ...(metrics.address ? { metricsAddress: metrics.address } : {}) };
  let halted = false;
  const serving: Record<string, 'SERVING' | 'NOT_SERVING'> = { '': 'SERVING' };
  let health: HealthImplementation | undefined;
  let readiness: ExecutorReadiness | undefined;

  const bus = createBus(config.bus, env, `switchyard-${role}`, (message) => log.warn(message));
  running.bus = bus;
  // A router logs the bus and its executors through its readiness, once (ExecutorReadiness).
  if (role !== 'router') logAvailability(bus, log);
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
    observeExecutorCircuits(metrics.recorder, executor);
    executorClient = executor;
    const agent = startExecutorBusAgent({ bus, executor, config: config.bus });
    running.busAgent = agent;
    closers.push(() => agent.close());
    const [executorService, executorHandlers] = guardBodies((grpcObject as unknown as ExecutorProto).switchyard.v1.ExecutorService.service, executorServiceHandlers(executor, log));
    running.executorAdmission = new Admission(config.executor.max_in_flight, 'executor.max_in_flight');
    (internal ?? server).addService(executorService, admitCalls(executorService, executorHandlers, running.executorAdmission));
    if (!internal) serving[EXECUTOR_SERVICE] = 'SERVING';
  }
  if (role !== 'executor') {
    const state = new RoutingState(catalog);
    const models = await ModelStore.open({ file: loaded.modelFile, catalog, wasm: config.router.wasm, log });
    if (opts.watchModel !== false) models.watch();
    closers.push(() => models.close());
    const follower = await followPromotedModels({ config, env, bus, store: models, log, name: `switchyard-${role}` });
    if (follower) {
      running.modelFollower = follower;
      closers.push(() => follower.close(!halted));
    }
    const b = config.bus;
    const cacheTable = new PromptCacheTable({ maxEntries: b.prompt_cache.max_entries });
    const staticExecutors = opts.executors ?? config.executor.remote;
    const busState = new BusRoutingState({
      bus,
      state,
      catalog,
      cache: cacheTable,
      discovery: role === 'router',
      announcedOnly: role === 'router' && staticExecutors.length === 0,
      ...(running.busAgent ? { onlyExecutor: running.busAgent.id } : {}),
    });
    closers.push(() => busState.close());
    running.busState = busState;
    const promptCache = new PromptCacheRouting(cacheTable, { stickinessMargin: b.prompt_cache.stickiness_margin, maxSessions: b.prompt_cache.max_sessions, sessionTtlMs: b.prompt_cache.ttl_ms });
    const decider = new Decider({ config, catalog, scoring: models, status: state.current, promptCache, metrics: metrics.recorder });
    if (role === 'router') {
      const addresses = opts.executors ?? config.executor.remote;
      if (addresses.length === 0 && bus.kind !== 'nats') {
        throw new Error('the router role needs executors: set NATS_URL (or bus.nats.servers) to find them on the bus, or list their addresses in executor.remote (host:port)');
      }
      const pool = new ExecutorPool({ state: busState, staticAddresses: addresses, maxAttempts: b.max_executor_attempts, security: channelSecurity(config.executor.tls) });
      closers.push(() => pool.close());
      running.pool = pool;
      executorClient = pool;
      readiness = new ExecutorReadiness({ busState, bus, staticAddresses: addresses, log, onChange: (ready) => health?.setStatus(EXECUTE_HEALTH, ready ? 'SERVING' : 'NOT_SERVING') });
      closers.push(() => readiness!.close());
      serving[EXECUTE_HEALTH] = readiness.reason() === null ? 'SERVING' : 'NOT_SERVING';
    }
    let decisionLog: DecisionLog | undefined;
    if (config.decision_log.enabled) {
      const dl = new DecisionLog({ config, catalog, bus, log });
      decisionLog = dl;
      // Accepted feedback (clients', and shadow grades) reaches the metrics once: repeats are refused before this.
      dl.on('feedback', (f) => metrics.recorder.feedback(f.metric ?? '', Number(f.value ?? 0)));
      // A graceful stop writes what is queued; a halt (a crash) does not.
      closers.push(() => (halted ? undefined : dl.close()));
    }
    const tenancy = new Tenancy({ config, catalog, env, log, keys: tenantKeys!, ...(bus.kind === 'nats' ? { nats: natsOptions(config.bus, env, `switchyard-${role}`) } : {}) });
    closers.push(() => tenancy.close());
    running.tenancy = tenancy;
    const shadow = createShadowEvaluator({ config, catalog, executor: executorClient!, bus, metrics: metrics.recorder, log, ...(decisionLog ? { decisionLog } : {}) });
    // Closed first: its running calls are cancelled before the decision log writes what is queued.
    if (shadow) closers.unshift(() => shadow.close());
    const record: ExecuteRecorder | undefined =
      decisionLog || shadow
        ? (d) => {
            decisionLog?.record(d);
            shadow?.offer(d);
          }
        : undefined;
    const engine = new ExecuteEngine({ decider, executor: executorClient!, config, catalog, tenancy, ...(record ? { record } : {}) });
    const telemetry = new RpcTelemetry({ metrics: metrics.recorder, log, catalog, config });
    const [routerService, routerHandlers] = guardBodies(
      routerServiceDefinition(grpcObject.switchyard.v1.RouterService.service),
      routerServiceHandlers({ decider, catalog, status: state.current, profiles: () => models.profiles(), log, tenancy, execute: executeHandlers(engine, log, telemetry, readiness, tenancy), telemetry, ...(decisionLog ? { decisionLog } : {}) }),
    );
    const admission = new Admission(config.server.max_in_flight, 'server.max_in_flight');
    running.admission = admission;
    server.addService(routerService, admitCalls(routerService, routerHandlers, admission));
    serving[ROUTER_SERVICE] = 'SERVING';

    const listed = () => listModels({ catalog, status: state.current, profiles: () => models.profiles() });
    const monitoring = startMonitoring({ config, configSource: loaded.source, modelFile: loaded.modelFile, routerModel: models, ...(decisionLog ? { decisionLog } : {}), bus, metrics: metrics.recorder, log, models: listed, circuits: running.executor ? executorCircuits(running.executor) : busCircuits(busState.health), keyed: !tenancy.keys.open });
    closers.push(() => monitoring.close());
    Object.assign(running, { state, models, decider, engine, decisionLog, monitoring, ...(shadow ? { shadow } : {}) });
    let httpListen = opts.httpListen ?? config.server.http_listen;
    if (httpListen && tenancy.keys.open && !isLoopback(httpListen)) {
      // The same rule as the gRPC port: with no key configured, nothing is served beyond this machine.
      log.warn('no API keys are configured (tenants): the HTTP front door is open, so it is served on loopback only', { asked: httpListen, listen: onLoopback(httpListen) });
      httpListen = onLoopback(httpListen);
    }
    if (httpListen) {
      const deps = { engine, config, log, tenancy, models: listed };
      try {
        const httpAdmission = new Admission(config.server.http_max_in_flight, 'server.http_max_in_flight');
        running.httpAdmission = httpAdmission;
        const gateway = await startHttpGateway({ listen: httpListen, routes: gatewayRoutes(deps), openRoutes: monitoring.routes, admission: httpAdmission, fallbackErrors, log, tenancy, ...(config.server.tls ? { tls: config.server.tls } : {}) });
        running.http = gateway;
        closers.unshift(() => gateway.close(0));
      } catch (e) {
        for (const c of closers) await c();
        await bus.close();
        throw new Error(`cannot listen for HTTP on ${httpListen}: ${(e as Error).message}`);
      }
    }
  }
  health = new HealthImplementation(serving);
  health.addToServer(server);
  reflectionService(Object.keys(serving).filter((name) => name !== '')).addToServer(server);

  let listen = opts.listen ?? config.server.listen;
  const open = running.tenancy?.keys.open === true;
  if (open && !isLoopback(listen)) {
    log.warn('no API keys are configured (tenants): the API is open, so it is served on loopback only', { asked: listen, listen: onLoopback(listen) });
    listen = onLoopback(listen);
  }
  let port: number;
  let internalAddress: string | undefined;
  try {
    port = await bind(server, listen, credentials);
    if (internal) {
      const internalPort = await bind(internal, config.server.internal_listen, credentials);
      const l = config.server.internal_listen;
      internalAddress = `${l.slice(0, l.lastIndexOf(':'))}:${internalPort}`;
    }
  } catch (e) {
    server.forceShutdown();
    internal?.forceShutdown();
    for (const c of closers) await c();
    await bus.close();
    await metrics.close();
    throw new Error(`cannot listen on ${listen}: ${(e as Error).message}`);
  }
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const address = `${host}:${port}`;
  running.busAgent?.announce(internalAddress ?? address);
  const http = running.http;
  closers.push(() => bus.close());
  closers.push(() => metrics.close());
  const unavailable = catalog.models.filter((m) => !m.hasCredentials && !m.simulated).map((m) => m.id);
  log.info('switchyard serving', { address, ...(http ? { http: http.address } : {}), role, config: loaded.source, models: catalog.models.length, ...(running.models ? { router_model: running.models.modelVersion } : {}), bus: bus.kind, ...(metrics.address ? { metrics: `http://${metrics.address}/metrics` } : {}), ...(running.busAgent ? { executor_id: running.busAgent.id } : {}) });
  if (unavailable.length > 0) log.warn('models without credentials are unavailable', { models: unavailable.join(',') });
  if (running.tenancy) {
    if (open) log.warn('no API keys are configured: every call is let in, on loopback only (add tenants to the config to require keys)', { address });
    else log.info('API keys required', { tenants: Object.keys(config.tenants).join(','), ledger: running.tenancy.store });
  }
  if (internalAddress) log.info('ExecutorService served apart from the public port', { address: internalAddress, mtls });

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
        internal?.forceShutdown();
        void finish();
      }, graceMs);
      internal?.tryShutdown(() => undefined);
      server.tryShutdown(() => {
        clearTimeout(force);
        internal?.forceShutdown();
        void finish();
      });
    });
    return stopping;
  };
  const halt = async () => {
    halted = true;
    stopping ??= (async () => {
      server.forceShutdown();
      internal?.forceShutdown();
      for (const c of closers) await c();
    })();
    return stopping;
  };
  return { ...(running as RunningServer), address, port, ...(internalAddress ? { internalAddress } : {}), shutdown, halt };
}

/** The simulator's replay of routing data, when the config asks for one (files relative to the config file). */
async function replayPlayer(c: Config['executor']['simulator_replay'], configFile: string): Promise<ReplayPlayer | undefined> {
  if (c === undefined) return undefined;
  const data = await readRoutingData(c.data.map((f) => resolve(dirname(configFile), f)));
  return new ReplayPlayer({ prompts: data.prompts, models: c.models, ...(c.judge ? { judge: c.judge } : {}) });
}
