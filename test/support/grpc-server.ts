/** Starts a real Switchyard gRPC server on a free loopback port, with clients for it. */
import * as grpc from '@grpc/grpc-js';
import { startServer, type RunningServer, type ServerOptions } from '../../services/server/switchyard-server.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { silentLog } from './router-fixture.js';

export interface TestServer {
  server: RunningServer;
  client: RouterServiceClient;
  close(): Promise<void>;
}

export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
  const server = await startServer({ listen: '127.0.0.1:0', log: silentLog, watchModel: false, env: {}, ...opts });
  const client = routerClient(server.address);
  return {
    server,
    client,
    async close() {
      client.close();
      await server.shutdown(1000);
    },
  };
}

/** Calls a unary method and resolves with {err, res}, never rejecting. */
export function call<Res>(
  client: grpc.Client,
  method: string,
  request: unknown,
  metadata = new grpc.Metadata(),
): Promise<{ err: grpc.ServiceError | null; res?: Res }> {
  return new Promise((resolve) => {
    (client as any)[method](request, metadata, { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res?: Res) => resolve({ err, res }));
  });
}
