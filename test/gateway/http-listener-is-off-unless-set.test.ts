import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/grpc-server.js';

describe('gateway - the HTTP listener', () => {
  it('is off when neither server.http_listen nor the option sets it', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.http).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('is on, on its own port, when the option sets it', async () => {
    const t = await startTestServer({ httpListen: '127.0.0.1:0' });
    try {
      expect(t.server.http!.port).toBeGreaterThan(0);
      expect(t.server.http!.port).not.toBe(t.server.port);
      const res = await fetch(`http://127.0.0.1:${t.server.http!.port}/v1/models`);
      expect(res.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('is refused in the executor role, which has no router to translate for', async () => {
    await expect(startTestServer({ role: 'executor', httpListen: '127.0.0.1:0' })).rejects.toThrow(/needs a router: use --role all or router/);
  });

  it('reports an address it cannot bind', async () => {
    const t = await startTestServer({ httpListen: '127.0.0.1:0' });
    try {
      await expect(startTestServer({ httpListen: `127.0.0.1:${t.server.http!.port}` })).rejects.toThrow(/cannot listen for HTTP on 127\.0\.0\.1:\d+/);
    } finally {
      await t.close();
    }
  });
});
