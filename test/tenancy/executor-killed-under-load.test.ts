/**
 * Process faults: an executor killed with SIGKILL under load. A router and two executors run
 * as separate processes (`switchyard serve --role ...`) on one NATS, both executors serving
 * the same models. Midway through a stream of requests one executor is killed. Every request
 * ends: answered with its answer, or failed with a clear status (never UNKNOWN or INTERNAL,
 * never without a reason); none is lost; the router logs the executor as gone, and the
 * requests after that are served by the survivor.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { routerClient } from '../../services/shared/grpc/router-client.js';
import { busTestConfig } from '../bus/support.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai-fake.js';
import { FAKE_TEXT, execute, executeStream } from '../support/execute-fixture.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { startServe, writeConfig, type ServeProcess } from '../record/processes.js';

const REQUESTS = 300;
const KILL_AFTER = 100;

let nats: NatsServer;
let up: OpenAIFake;
let router: ServeProcess;
let executors: ServeProcess[] = [];
let client: RouterServiceClient;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-kill-'));
  nats = await startNatsServer();
  // An OpenAI-compatible upstream that answers plain and streamed calls, its streams slowed so calls are in flight when the executor dies.
  up = await startOpenAIFake({ flavour: 'compatible', apiKey: '' });
  up.script(...Array.from({ length: REQUESTS * 3 }, () => ({ reply: 'text' as const, chunkDelayMs: 5 })));
  const env = { NATS_URL: nats.url, SWITCHYARD_LOG_LEVEL: 'info' };
  const off = { decision_log: { enabled: false } };
  executors = await Promise.all(['exec_a', 'exec_b'].map((id) => startServe('executor', writeConfig(dir, id, { ...busTestConfig({ upstream: up.url, executorId: id }), ...off }), env, dir)));
  router = await startServe('router', writeConfig(dir, 'router', { ...busTestConfig(), ...off }), env, dir);
  client = routerClient(router.address, {});
  // Both executors announced: the router has heard of each.
  for (let i = 0; !(router.logs().includes('exec_a') && router.logs().includes('exec_b')); i++) {
    if (i > 400) throw new Error(`the router did not hear of both executors:\n${router.logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}, 60_000);

afterAll(async () => {
  client?.close();
  for (const p of [router, ...executors]) await p?.kill9().catch(() => undefined);
  await up?.close();
  await nats?.stop();
});

interface End {
  i: number;
  ok: boolean;
  text: string;
  code?: grpc.status;
  details?: string;
}

describe('process faults - an executor killed under load', () => {
  it('every request is answered or fails with a clear status; none is lost; the router logs the executor gone and the survivor serves', async () => {
    const ends: End[] = [];
    let started = 0;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      while (started < REQUESTS) {
        const i = started++;
        if (i === KILL_AFTER) killed = executors[0]!.kill9();
        const request = { messages: [{ role: 'ROLE_USER' as const, content: [{ text: `question ${i}` }] }] };
        if (i % 2) {
          const r = await executeStream(client, request, { deadlineMs: 20_000 });
          ends.push({ i, ok: r.done !== undefined && r.err === null, text: r.text, ...(r.err ? { code: r.err.code, details: r.err.details } : {}) });
        } else {
          const r = await execute(client, request, { deadlineMs: 20_000 });
          ends.push({ i, ok: r.err === null, text: r.res?.message?.text ?? '', ...(r.err ? { code: r.err.code, details: r.err.details } : {}) });
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    await killed;
    const failed = ends.filter((e) => !e.ok);
    console.log(`executor kill -9 after ${KILL_AFTER} of ${REQUESTS}: ${ends.length - failed.length} answered, ${failed.length} failed (${[...new Set(failed.map((f) => `${grpc.status[f.code!]}: ${f.details?.slice(0, 120)}`))].join(' | ')})`);

    // None lost: every request ended, once.
    expect(ends.length).toBe(REQUESTS);
    expect(new Set(ends.map((e) => e.i)).size).toBe(REQUESTS);
    // Every answer the client was told of is there in full.
    for (const e of ends.filter((x) => x.ok)) expect(e.text).toBe(FAKE_TEXT);
    // Every failure has a clear status and a reason.
    for (const f of failed) {
      expect([grpc.status.UNKNOWN, grpc.status.INTERNAL, grpc.status.DEADLINE_EXCEEDED]).not.toContain(f.code);
      expect(f.details).toBeTruthy();
    }
    expect(failed.length).toBeLessThan(REQUESTS / 10);

    // The router saw the executor go and said so.
    const gone = /"exec_a"[^\n]*"msg":"executor (gone|lost)/;
    for (let i = 0; !gone.test(router.logs()); i++) {
      if (i > 2_000) throw new Error(`the router did not log exec_a as gone:\n${router.logs().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // After that, the survivor answers every request.
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => execute(client, { messages: [{ role: 'ROLE_USER', content: [{ text: `after ${i}` }] }] })));
    expect(after.map((r) => r.err?.details ?? r.res!.message!.text)).toEqual(Array(20).fill(FAKE_TEXT));
    // Said once: one line for the loss of the executor.
    expect(router.logs().split('\n').filter((l) => l.includes('"exec_a"') && /"msg":"executor (gone|lost)/.test(l))).toHaveLength(1);
  }, 120_000);
});
