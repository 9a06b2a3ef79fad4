/** Servers with a decision log in a temporary directory, and the calls the record tests make. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RouterServiceClient } from '../../services/generated/switchyard/v1/RouterService.js';
import { call, startTestServer, type TestServer } from '../support/grpc-server.js';
import { defaultConfigObject } from '../support/router-fixture.js';

export const METRICS = [
  { name: 'helpful', type: 'boolean' },
  { name: 'rating', type: 'float' },
  { name: 'resolved', type: 'boolean', per: 'episode' },
];

/** The built-in config with its decision log in a new temporary directory. */
export function recordConfig(overrides: { promptLogging?: boolean; decisionLog?: Record<string, unknown> } = {}): { config: Record<string, any>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-records-'));
  const config = defaultConfigObject();
  config.router.prompt_logging = overrides.promptLogging ?? false;
  config.decision_log = { store: 'file', flush_interval_ms: 5, file: { dir: join(dir, 'decisions') }, ...overrides.decisionLog };
  config.feedback = { metrics: METRICS };
  return { config, dir };
}

export async function startRecordServer(config: Record<string, any>, dir: string, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(config));
  return startTestServer({ configPath: file, env, simulatorMaxTtftMs: 5 });
}

export const userPrompt = (text: string, labels: Record<string, string> = {}) => ({ messages: [{ role: 'ROLE_USER', content: [{ text }] }], labels });

export async function ok<Res>(client: RouterServiceClient, method: string, req: unknown): Promise<Res> {
  const { err, res } = await call<Res>(client as never, method, req);
  if (err) throw err;
  return res!;
}

/** Polls GetDecision until the record is stored. */
export async function stored(client: RouterServiceClient, id: string, timeoutMs = 5_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const { err, res } = await call<any>(client as never, 'getDecision', { decisionId: id });
    if (!err) return res.decision;
    if (err.code !== 5 || Date.now() - started > timeoutMs) throw err;
    await new Promise((r) => setTimeout(r, 10));
  }
}
