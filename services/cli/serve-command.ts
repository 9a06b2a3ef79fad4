/**
 * `switchyard serve [--config F] [--listen ADDR]`: runs the service until SIGTERM or SIGINT,
 * then drains in-flight calls (server.shutdown_grace_ms) and exits.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config/load-config.js';
import { createLogger } from '../shared/log.js';
import { startTelemetry } from '../shared/telemetry.js';
import { ROLES, startServer, type Role } from '../server/switchyard-server.js';
import type { CommandIO } from './command-io.js';

export const SERVE_USAGE =
  'usage: switchyard serve [--config FILE] [--listen HOST:PORT] [--http-listen HOST:PORT] [--role all|router|executor] [--executors HOST:PORT,...] [--metrics-listen HOST:PORT]\n' +
  '  --http-listen (or server.http_listen) also serves the OpenAI- and Anthropic-compatible HTTP API: POST /v1/chat/completions, POST /v1/messages, GET /v1/models\n' +
  '  --metrics-listen serves Prometheus metrics at http://HOST:PORT/metrics (or config telemetry.metrics_listen); OTLP export follows the OTEL_* variables\n' +
  '  with NATS_URL set (nats://host:port[,...]) routers and executors find each other on the bus; credentials from NATS_TOKEN, NATS_USER/NATS_PASSWORD or NATS_NKEY_SEED';

export async function serveCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, listen: { type: 'string' }, 'http-listen': { type: 'string' }, role: { type: 'string', default: 'all' }, executors: { type: 'string' }, 'metrics-listen': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    io.out.write(SERVE_USAGE + '\n');
    return 0;
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) {
    io.err.write(`switchyard serve: --role must be one of ${ROLES.join(', ')}, not "${values.role}"\n${SERVE_USAGE}\n`);
    return 2;
  }
  const executors = values.executors?.split(',').map((s) => s.trim()).filter(Boolean);
  const log = createLogger('switchyard', io.env);
  const stopTelemetry = await startTelemetry('switchyard', io.env);
  const configPath = values.config ?? io.env.SWITCHYARD_CONFIG;
  const listen = values.listen ?? io.env.SWITCHYARD_LISTEN;
  const metricsListen = values['metrics-listen'];
  if (metricsListen !== undefined && !/^[^\s]+:\d+$/.test(metricsListen)) {
    io.err.write(`switchyard serve: --metrics-listen must be HOST:PORT, not "${metricsListen}"\n${SERVE_USAGE}\n`);
    await stopTelemetry();
    return 2;
  }
  let server;
  try {
    server = await startServer({ ...(configPath ? { configPath } : {}), ...(listen ? { listen } : {}), ...(executors ? { executors } : {}), ...(metricsListen ? { metricsListen } : {}), ...(values['http-listen'] ? { httpListen: values['http-listen'] } : {}), role, env: io.env, log });
  } catch (e) {
    if (e instanceof ConfigError) io.err.write(`switchyard serve: ${e.message}\n`);
    else io.err.write(`switchyard serve: ${(e as Error).message}\n`);
    await stopTelemetry();
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down: draining in-flight calls', { signal });
      void server.shutdown().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await stopTelemetry();
  log.info('stopped');
  return 0;
}
