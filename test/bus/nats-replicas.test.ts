/**
 * Two routers and two executors on one real nats-server: health, prompt-cache state and
 * discovery travel over the bus; routers route by them; losing NATS never stops routing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import type { InvokeInput } from '../../services/shared/contracts/invoke.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { decideRequest, message } from '../support/requests.js';
import { busTestConfig, longSystem, startNode, startUpstream, until, type Upstream } from './support.js';

let nats: NatsServer;
let upA: Upstream;
let upB: Upstream;
let execA: RunningServer;
let execB: RunningServer;
let routers: RunningServer[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  [upA, upB] = await Promise.all([startUpstream(), startUpstream()]);
  execA = await startNode('executor', nats.url, busTestConfig({ upstream: upA.url, executorId: 'exec_a' }));
  execB = await startNode('executor', nats.url, busTestConfig({ upstream: upB.url, executorId: 'exec_b' }));
  routers = [await startNode('router', nats.url, busTestConfig()), await startNode('router', nats.url, busTestConfig())];
  for (const r of routers) await until(() => r.busState!.executors.live(Date.now()).length === 2, 3_000, 'routers discover both executors');
});

afterAll(async () => {
  for (const s of [...routers, execA, execB]) await s?.halt();
  await Promise.all([upA?.close(), upB?.close()]);
  await nats?.stop();
});

const input = (model: string, text = 'hello', system?: string): InvokeInput => ({
  model,
  request: { messages: [...(system ? [{ role: 'system' as const, content: [{ type: 'text' as const, text: system }] }] : []), { role: 'user', content: [{ type: 'text', text }] }] },
  allowedRegions: [],
  decisionId: 'test',
  step: 'primary',
});

const chosen = (r: RunningServer, model: string) => r.pool!.choose(model);
const ac = () => new AbortController().signal;

describe('bus - health across replicas', () => {
  it('when one executor\'s upstream fails, both routers stop choosing it, and take it back when it heals', async () => {
    upA.mode = 'fail';
    // Calls through router 0 until A's breaker for cheap-x opens (the pool fails over to B).
    for (let i = 0; i < 6 && execA.executor!.runtimes[0]!.deployments[0]!.breaker.state !== 'open'; i++) {
      const out = await execA.executor!.invoke(input('cheap-x'), ac());
      expect(out.ok).toBe(false);
    }
    expect(execA.executor!.runtimes[0]!.deployments[0]!.breaker.state).toBe('open');
    for (const r of routers) {
      await until(() => r.busState!.modelHealth('exec_a', 'cheap-x')?.circuit === 'CIRCUIT_STATE_OPEN', 5_000, 'router sees the open circuit');
      for (let i = 0; i < 20; i++) expect(chosen(r, 'cheap-x')).toBe('exec_b');
    }
    // The model stays available: B serves it.
    expect(routers[0]!.state!.current()[0]!.available).toBe(true);
    const out = await routers[1]!.pool!.invoke(input('cheap-x'), ac());
    expect(out.ok && out.attempts.at(-1)!.outcome).toBe('success');

    upA.mode = 'ok';
    // After the open period the breaker is half-open: the routers send a probe, it closes.
    await until(() => routers.every((r) => r.busState!.modelHealth('exec_a', 'cheap-x')?.circuit !== 'CIRCUIT_STATE_OPEN'), 2_000, 'half-open reported');
    for (let i = 0; i < 10 && execA.executor!.runtimes[0]!.deployments[0]!.breaker.state !== 'closed'; i++) await routers[0]!.pool!.invoke(input('cheap-x'), ac());
    for (const r of routers) await until(() => r.busState!.modelHealth('exec_a', 'cheap-x')?.circuit === 'CIRCUIT_STATE_CLOSED', 1_000, 'closed reported');
    // Taken back: exec_a is among the choices again (which one wins also depends on load).
    for (const r of routers) expect(r.pool!.candidates('cheap-x').find((c) => c.id === 'exec_a')!.rank).toBe(0);
    const picks = new Set(Array.from({ length: 40 }, () => chosen(routers[1]!, 'cheap-x')));
    expect(picks.has('exec_a')).toBe(true);
  });

  it('Decide excludes a model whose circuit is open on every executor, and takes it back', async () => {
    const open = (ex: RunningServer) => {
      const b = ex.executor!.runtimes[1]!.deployments[0]!.breaker;
      for (let i = 0; i < 3; i++) b.onFailure();
    };
    open(execA);
    open(execB);
    for (const r of routers) await until(() => !r.state!.current()[1]!.available, 1_000, 'cached-y shut');
    const d = routers[0]!.decider!.decide(decideRequest('hi'));
    const y = d.response.candidates!.find((c) => c.model === 'cached-y')!;
    expect(y.eligible).toBe(false);
    expect(y.excludedReason).toMatch(/circuit open on every executor/);
    // Open periods end (300 ms): half-open is reported and the model is eligible again.
    for (const r of routers) await until(() => r.state!.current()[1]!.available, 2_000, 'cached-y back');
  });

  it('every health change, opening and closing, reaches both routers and changes their routing, round after round', async () => {
    const b = execA.executor!.runtimes[0]!.deployments[0]!.breaker;
    let changes = 0;
    for (let round = 0; round < 15; round++) {
      // Open A's circuit: routers must move cheap-x away from exec_a.
      for (const wantOpen of [true, false]) {
        const wanted = wantOpen ? 'CIRCUIT_STATE_OPEN' : 'CIRCUIT_STATE_CLOSED';
        if (!wantOpen) await until(() => b.state === 'half_open', 2_000, 'half-open');
        const seen = routers.map(
          (r) =>
            new Promise<void>((resolve) => {
              const off = r.busState!.onChange(() => {
                if (r.busState!.modelHealth('exec_a', 'cheap-x')?.circuit !== wanted) return;
                changes++;
                off();
                resolve();
              });
            }),
        );
        if (wantOpen) for (let i = 0; i < 3; i++) b.onFailure();
        else {
          b.canPass();
          b.onSuccess();
        }
        await Promise.all(seen);
        if (wantOpen) for (const r of routers) expect(chosen(r, 'cheap-x')).toBe('exec_b');
      }
    }
    expect(changes).toBe(15 * 2 * routers.length);
  });
});

describe('bus - prompt cache across replicas', () => {
  it('routes to the model whose prefix another replica\'s executor just cached, priced at the cached rate', async () => {
    const system = longSystem('cache-test');
    const req = decideRequest('', { messages: [message('ROLE_SYSTEM', system), message('ROLE_USER', 'Summarise the guide in one line.')] });
    // Asked of router 0, so that router 1 has no session to keep for this prefix.
    const before = routers[0]!.decider!.decide(req).response;
    expect(before.model).toBe('cheap-x');
    // Router 0 sends the prompt to cached-y twice: the provider caches the prefix and says so.
    for (let i = 0; i < 2; i++) {
      const out = await routers[0]!.pool!.invoke(input('cached-y', 'Summarise the guide in one line.', system), ac());
      expect(out.ok).toBe(true);
    }
    await until(() => routers[1]!.busState!.cache.size > 0, 1_000, 'cache report reaches router 1');
    const after = routers[1]!.decider!.decide(req).response;
    expect(after.model).toBe('cached-y');
    const y = after.candidates!.find((c) => c.model === 'cached-y')!;
    const yBefore = before.candidates!.find((c) => c.model === 'cached-y')!;
    expect(y.estimatedCostUsd).toBeLessThan(yBefore.estimatedCostUsd as number);
    // The difference is exactly the cached tokens priced at (input - cached_input).
    const saved = (yBefore.estimatedCostUsd as number) - (y.estimatedCostUsd as number);
    const cachedTokens = saved / ((1.2 - 0.12) * 1e-6);
    expect(cachedTokens).toBeGreaterThan(400);
    expect(Math.abs(cachedTokens - Math.round(cachedTokens))).toBeLessThan(1e-3);
  });

  it('keeps a session on its model unless another is better by the margin', async () => {
    const req = (text: string) => decideRequest(text, { labels: { session: 'sticky-1' } });
    const first = routers[0]!.decider!.decide(req('Write a haiku about trains')).response.model;
    for (let i = 0; i < 5; i++) expect(routers[0]!.decider!.decide(req(`Another line about trains, number ${i}`)).response.model).toBe(first);
  });
});

describe('bus - discovery and failover', () => {
  it('kills an executor mid-load: routers fail over to the other, no request lost', async () => {
    upA.delayMs = upB.delayMs = 20;
    const spare = await startNode('executor', nats.url, busTestConfig({ upstream: upA.url, executorId: 'exec_c' }));
    for (const r of routers) await until(() => r.busState!.executors.live(Date.now()).length === 3, 2_000, 'exec_c discovered');
    let killed = false;
    const calls: Promise<boolean>[] = [];
    for (let i = 0; i < 150; i++) {
      const r = routers[i % 2]!;
      calls.push(r.pool!.invoke(input('cheap-x', `call ${i}`), ac()).then((o) => o.ok));
      if (i === 60) {
        killed = true;
        void spare.halt();
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    const results = await Promise.all(calls);
    expect(killed).toBe(true);
    expect(results.filter((ok) => !ok)).toHaveLength(0);
    for (const r of routers) await until(() => r.busState!.executors.live(Date.now()).length === 2, 3_000, 'dead executor forgotten');
    upA.delayMs = upB.delayMs = 0;
  });

  it('a late router syncs the current state on start', async () => {
    const late = await startNode('router', nats.url, busTestConfig());
    try {
      await until(() => late.busState!.executors.live(Date.now()).length === 2 && late.busState!.health.size === 2, 5_000, 'late joiner synced');
    } finally {
      await late.halt();
    }
  });
});

describe('bus - NATS loss', () => {
  it('stop NATS: decisions go on; start it again: the state converges', async () => {
    await nats.stop();
    await until(() => routers.every((r) => r.bus.status === 'disconnected'), 3_000, 'routers see the loss');
    const req = decideRequest('still there?');
    // Past every TTL: the last known executors stay, decisions and calls go on.
    await new Promise((res) => setTimeout(res, 2_200));
    for (const r of routers) {
      expect(r.decider!.decide(req).response.model).toBeTruthy();
      expect(r.busState!.executors.live(Date.now())).toHaveLength(2);
      const out = await r.pool!.invoke(input('cheap-x'), ac());
      expect(out.ok).toBe(true);
    }
    // A change made while NATS is down reaches the routers once it is back.
    const b = execB.executor!.runtimes[0]!.deployments[0]!.breaker;
    for (let i = 0; i < 3; i++) b.onFailure();
    await nats.restart();
    await until(() => routers.every((r) => r.bus.status === 'connected'), 3_000, 'routers reconnect');
    // The breaker may have moved on to half-open (300 ms open period) by now: either way the
    // routers must see the failures made while NATS was down.
    for (const r of routers) await until(() => (r.busState!.modelHealth('exec_b', 'cheap-x')?.errorRate ?? 0) > 0, 3_000, 'state converges');
  });
});
