/**
 * A running Switchyard fed by the replay simulator, for the status page's suites: two simulated
 * models answer a small routing data set (math and chat prompts) with the outcomes it records,
 * a rule sends chat to the dearer model, and a client grades every answer from its replayed
 * outcome with SubmitFeedback (boolean metric `correct`). `run` sends replayed traffic; a fault
 * injected between two runs makes sim-weak worse on math, which the drift monitor must flag.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayTraffic } from '../../services/evaluation/replay-traffic.js';
import { ReplayPlayer } from '../../services/executor/simulator/replay.js';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import type { SubmitFeedbackResponse__Output } from '../../services/generated/switchyard/v1/SubmitFeedbackResponse.js';
import { createLogger } from '../../services/shared/log.js';
import { parseRoutingJsonl, type RoutingPrompt } from '../../services/shared/routing-data.js';
import { execute, executeConfig, executeRequest, startExecuteServer, type ExecuteServer } from '../support/execute-fixture.js';

export const WEAK = 'sim-weak';
export const STRONG = 'sim-strong';

/** 80 math and 80 chat prompts; the weak model is right on 80% of math and 90% of chat, the strong one on all. */
export function replayData(): RoutingPrompt[] {
  const lines: string[] = [];
  for (let i = 0; i < 160; i++) {
    const segment = i % 2 === 0 ? 'math' : 'chat';
    const weakRight = segment === 'math' ? i % 10 !== 0 && i % 10 !== 4 : i % 20 !== 1;
    const outcomes = {
      strong: { quality: 1, input_tokens: 30, output_tokens: 150, cost_usd: 0.002 },
      weak: { quality: weakRight ? 1 : 0, input_tokens: 30, output_tokens: 90, cost_usd: 0.0002 },
    };
    const prompt = segment === 'math' ? `Problem ${i}: what is ${i} times ${i + 3}?` : `Message ${i}: say hello to visitor number ${i}.`;
    lines.push(JSON.stringify({ id: `r${i}`, prompt, segment, outcomes }));
  }
  return parseRoutingJsonl(lines.join('\n'), 'status-replay.jsonl');
}

export interface ReplayDrift {
  s: ExecuteServer;
  sim: Simulator;
  player: ReplayPlayer;
  traffic: ReplayTraffic;
  /** Log lines the server wrote (JSON). */
  logs: Record<string, unknown>[];
  httpUrl: string;
  metricsUrl: string;
  /** Requests sent so far, per segment. */
  sent: Record<string, number>;
  /** Sends `n` replayed requests (`concurrency` at a time), each graded with SubmitFeedback; returns how many of `segment` were sent. */
  run(n: number, segment?: string): Promise<number>;
  close(): Promise<void>;
}

const MARKER = /\[replay-quality: ([\d.]+)\]/;

export async function startReplayDrift(extraConfig: Record<string, unknown> = {}): Promise<ReplayDrift> {
  const prompts = replayData();
  const player = new ReplayPlayer({ prompts, models: { [WEAK]: 'weak', [STRONG]: 'strong' } });
  const sim = await startSimulator({ ttftMs: 0, tokensPerSecond: 1e6, models: [WEAK, STRONG, 'replay-judge'], replay: player });
  const config = executeConfig(
    [
      { id: WEAK, provider: 'openai-compatible', urls: [sim.url], apiKeyEnv: null, prices: { input: 0.2, output: 0.8 }, quality: 0.7, ttftMs: 1 },
      { id: STRONG, provider: 'openai-compatible', urls: [sim.url], apiKeyEnv: null, prices: { input: 3, output: 15 }, quality: 0.9, ttftMs: 1 },
    ],
    { rules: [{ name: 'chat-on-strong', match: { task: ['chat'] }, action: { pin: STRONG } }], server: { http_listen: '127.0.0.1:0' } },
  );
  Object.assign(config, {
    decision_log: { store: 'file', flush_interval_ms: 5, file: { dir: join(mkdtempSync(join(tmpdir(), 'switchyard-status-')), 'decisions'), fsync: false } },
    feedback: { metrics: [{ name: 'correct', type: 'boolean' }] },
    drift: { quality: { warmup: 40 } },
    status_page: { refresh_seconds: 1 },
    ...extraConfig,
  });
  const logs: Record<string, unknown>[] = [];
  const log = createLogger('switchyard', { SWITCHYARD_LOG_LEVEL: 'warn' }, (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const s = await startExecuteServer(config, { log, metricsListen: '127.0.0.1:0' });
  const traffic = new ReplayTraffic(prompts, 7);
  const sent: Record<string, number> = { math: 0, chat: 0 };

  const one = async (p: RoutingPrompt): Promise<void> => {
    const { err, res } = await execute(s.client, executeRequest(p.prompt, { labels: { task: p.segment } }));
    if (err || !res) throw new Error(`Execute failed: ${err?.message}`);
    const q = Number(MARKER.exec(res.message?.text ?? '')?.[1]);
    if (!Number.isFinite(q)) throw new Error(`no replayed outcome in the answer of ${res.model}`);
    await new Promise<void>((resolve, reject) =>
      s.client.SubmitFeedback({ decisionId: res.decisionId, metric: 'correct', boolValue: q >= 0.5 }, new grpc.Metadata(), (e: grpc.ServiceError | null, _r?: SubmitFeedbackResponse__Output) => (e ? reject(e) : resolve())),
    );
  };

  return {
    s,
    sim,
    player,
    traffic,
    logs,
    httpUrl: `http://${s.server.http!.address}`,
    metricsUrl: `http://${s.server.metricsAddress}/metrics`,
    sent,
    async run(n, segment) {
      const batch = Array.from({ length: n }, () => traffic.next());
      for (const p of batch) sent[p.segment] = (sent[p.segment] ?? 0) + 1;
      const concurrency = 8;
      for (let i = 0; i < batch.length; i += concurrency) await Promise.all(batch.slice(i, i + concurrency).map(one));
      return segment ? batch.filter((p) => p.segment === segment).length : n;
    },
    async close() {
      await s.close();
      await sim.close();
    },
  };
}

/** Waits until the server's drift monitor and status board have taken in everything written so far (polls; asserts nothing on time). */
export async function settled(d: ReplayDrift, decisions: number): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    const m = d.s.server.monitoring!;
    if (m.board.snapshot().decisions >= decisions && m.monitor.stats.queued === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the status board saw ${d.s.server.monitoring!.board.snapshot().decisions} of ${decisions} decisions`);
}
