/**
 * Two router replicas on one nats-server spend from one shadow budget: together they stay
 * within it, and both stop when it is spent (each alone would have had room for all of its own
 * jobs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import type { RunningServer } from '../../services/server/switchyard-server.js';
import { startNode } from '../bus/support.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { ask, shadowConfig } from './support.js';

let nats: NatsServer;
let simulator: Simulator;
let nodes: RunningServer[] = [];

beforeAll(async () => {
  nats = await startNatsServer({ jetStreamDir: mkdtempSync(join(tmpdir(), 'switchyard-shadow-replicas-')) });
  simulator = await startSimulator({ ttftMs: 0, tokensPerSecond: 1e9 });
  // About $0.0024 a job: four fit in $0.01, so each replica's four would fit in a budget of its own.
  const config = shadowConfig(simulator.url, { share: 1, daily_budget_usd: 0.01, judge_max_output_tokens: 16 });
  nodes = [await startNode('all', nats.url, config), await startNode('all', nats.url, config)];
});
afterAll(async () => {
  for (const n of nodes) await n.shutdown(500);
  await simulator?.close();
  await nats?.stop();
});

describe('shadow - replicas share the budget over NATS', () => {
  it('eight jobs across two replicas spend one budget, and both replicas are paused by it', async () => {
    for (let i = 0; i < 8; i++) {
      const node = nodes[i % 2]!;
      await node.engine!.execute(ask(`Replica question ${i}`, { maxOutputTokens: 100 }), new AbortController().signal);
      await node.shadow!.idle();
    }
    const [a, b] = nodes.map((n) => n.shadow!.stats());
    expect(a!.sampled + b!.sampled).toBe(8);
    expect(a!.spentUsd + b!.spentUsd).toBeGreaterThan(0);
    expect(a!.spentUsd + b!.spentUsd).toBeLessThanOrEqual(0.01);
    expect(a!.skipped.budget ?? 0).toBeGreaterThanOrEqual(1);
    expect(b!.skipped.budget ?? 0).toBeGreaterThanOrEqual(1);
    expect(a!.graded.loss + b!.graded.loss + (a!.skipped.budget ?? 0) + (b!.skipped.budget ?? 0)).toBe(8);
  });
});
