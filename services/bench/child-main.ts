/**
 * The entry point of a benchmark child process: a Switchyard server in one of its roles, the
 * no-op gRPC server, or a fixed-delay upstream. Each runs in its own process so that the load
 * generator, the service and the upstream do not share an event loop, and so that a server's
 * resident memory is its own. The spec comes as JSON in argv[2]; the child answers on the IPC
 * channel with `{ type: 'ready', ... }`, and exits when the parent goes away.
 */
import * as grpc from '@grpc/grpc-js';
import { startServer, type Role } from '../server/switchyard-server.js';
import { switchyardProto } from '../shared/grpc/proto.js';
import { createLogger, type Level } from '../shared/log.js';
import { writeHeapSnapshot } from 'node:v8';
import { startFixedDelayUpstream } from './fixed-delay-upstream.js';
import { memoryBreakdown, type MemoryBreakdown } from './memory-breakdown.js';

export type ChildSpec =
  | { kind: 'switchyard'; configPath?: string; role: Role; executors?: string[]; metricsListen?: string; logLevel?: Level; /** Also serve the HTTP front door. */ http?: boolean }
  | { kind: 'noop'; decideResponseBase64: string }
  | { kind: 'upstream'; delayMs: number; failureRate?: number };

export type ReadyMessage = { type: 'ready'; address: string; httpAddress?: string };
/** `memory` with `collect`: a full collection is forced after the figures are read (needs node --expose-gc). */
export type ChildRequest = { type: 'last-body' } | { type: 'served' } | { type: 'memory'; collect?: boolean } | { type: 'heap-snapshot'; path: string };
export type ChildReply =
  | { type: 'last-body'; body: string }
  | { type: 'served'; count: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage; breakdown: MemoryBreakdown }
  | { type: 'heap-snapshot'; path: string };

function send(message: ReadyMessage | ChildReply): void {
  process.send!(message);
}

/** A grpc-js RouterService that answers every Decide with one response decoded in advance. */
async function startNoop(decideResponse: Buffer): Promise<string> {
  const { definition, grpcObject } = switchyardProto();
  const decide = (definition['switchyard.v1.RouterService'] as grpc.ServiceDefinition).Decide!;
  const canned = decide.responseDeserialize(decideResponse);
  const server = new grpc.Server();
  server.addService(grpcObject.switchyard.v1.RouterService.service, {
    Decide: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, canned),
    Execute: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED }),
    ExecuteStream: (c: grpc.ServerWritableStream<unknown, unknown>) => c.end(),
    ListModels: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { models: [] }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

async function start(spec: ChildSpec): Promise<void> {
  switch (spec.kind) {
    case 'switchyard': {
      const server = await startServer({
        ...(spec.configPath ? { configPath: spec.configPath } : {}),
        ...(spec.executors ? { executors: spec.executors } : {}),
        ...(spec.metricsListen ? { metricsListen: spec.metricsListen } : {}),
        ...(spec.http ? { httpListen: '127.0.0.1:0' } : {}),
        role: spec.role,
        listen: '127.0.0.1:0',
        watchModel: false,
        env: {},
        log: createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: spec.logLevel ?? 'error' }),
      });
      process.on('message', (m: ChildRequest) => {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (m.type === 'memory') {
          const usage = process.memoryUsage();
          send({ type: 'memory', usage, breakdown: memoryBreakdown(m.collect ? gc : undefined) });
        } else if (m.type === 'heap-snapshot') {
          gc?.();
          send({ type: 'heap-snapshot', path: writeHeapSnapshot(m.path) });
        }
      });
      send({ type: 'ready', address: server.address, ...(server.http ? { httpAddress: server.http.address } : {}) });
      return;
    }
    case 'noop':
      send({ type: 'ready', address: await startNoop(Buffer.from(spec.decideResponseBase64, 'base64')) });
      return;
    case 'upstream': {
      const upstream = await startFixedDelayUpstream(spec.delayMs, '127.0.0.1', spec.failureRate ?? 0);
      process.on('message', (m: ChildRequest) => {
        if (m.type === 'last-body') send({ type: 'last-body', body: upstream.lastBody() });
        else if (m.type === 'served') send({ type: 'served', count: upstream.served() });
      });
      send({ type: 'ready', address: upstream.url });
      return;
    }
  }
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
start(JSON.parse(process.argv[2] ?? '{}') as ChildSpec).catch((e: unknown) => {
  process.stderr.write(`benchmark child failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
