/**
 * `switchyard decide [--addr ADDR] [--json] [options] "prompt"`: asks a running Switchyard for
 * a decision and prints it as a table, or with --json as the DecideResponse in proto3 JSON.
 */
import { parseArgs } from 'node:util';
import type { DecideRequest } from '../generated/switchyard/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../generated/switchyard/v1/DecideResponse.js';
import { formatTable } from './format-table.js';
import { decide } from '../shared/grpc/router-client.js';
import { readPrompt, type CommandIO } from './command-io.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connection, type ConnectionFlags } from './cli-connection.js';

export const DECIDE_USAGE = `usage: switchyard decide [--addr ADDR] [--json] [--policy NAME] [--tradeoff K]
         [--max-output-tokens N] [--system TEXT] [--require tools,vision,json_output,streaming]
         [--allow m1,m2] [--deny m1,m2] [--region r1,r2] [--language en,de]
         [--max-cost USD] [--latency-budget MS] [--label key=value ...] [--top-k N] "prompt" | -
${CONNECTION_USAGE}`;

const CAPABILITY = { tools: 'CAPABILITY_TOOLS', vision: 'CAPABILITY_VISION', json_output: 'CAPABILITY_JSON_OUTPUT', streaming: 'CAPABILITY_STREAMING' } as const;
const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** Builds the DecideRequest the routing options on the command line describe. */
export function requestFromArgs(argv: string[], io: CommandIO): { request: DecideRequest; connection: ConnectionFlags; json: boolean } | string {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      json: { type: 'boolean', default: false },
      policy: { type: 'string' },
      tradeoff: { type: 'string' },
      'max-output-tokens': { type: 'string' },
      system: { type: 'string' },
      require: { type: 'string' },
      allow: { type: 'string' },
      deny: { type: 'string' },
      region: { type: 'string' },
      language: { type: 'string' },
      'max-cost': { type: 'string' },
      'latency-budget': { type: 'string' },
      label: { type: 'string', multiple: true },
      'top-k': { type: 'string' },
    },
  });
  const prompt = readPrompt(positionals, io);
  if (typeof prompt !== 'string') return prompt.error;
  const caps = list(values.require).map((c) => CAPABILITY[c as keyof typeof CAPABILITY] ?? c);
  const labels: Record<string, string> = {};
  for (const l of values.label ?? []) {
    const i = l.indexOf('=');
    if (i <= 0) return `--label ${l}: expected key=value`;
    labels[l.slice(0, i)] = l.slice(i + 1);
  }
  const num = (v: string | undefined, flag: string): number | undefined | string => {
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : `${flag} ${v}: not a number`;
  };
  const tradeoff = num(values.tradeoff, '--tradeoff');
  const maxCost = num(values['max-cost'], '--max-cost');
  const latency = num(values['latency-budget'], '--latency-budget');
  const maxOut = num(values['max-output-tokens'], '--max-output-tokens');
  const topK = num(values['top-k'], '--top-k');
  for (const v of [tradeoff, maxCost, latency, maxOut, topK]) if (typeof v === 'string') return v;
  const { tenant, user_tier, task, session, ...extra } = labels;
  const request: DecideRequest = {
    messages: [
      ...(values.system ? [{ role: 'ROLE_SYSTEM' as const, content: [{ text: values.system }] }] : []),
      { role: 'ROLE_USER', content: [{ text: prompt }] },
    ],
    policy: values.policy ?? '',
    maxOutputTokens: (maxOut as number | undefined) ?? 0,
    requirements: {
      capabilities: caps as never,
      allowModels: list(values.allow),
      denyModels: list(values.deny),
      regions: list(values.region),
      languages: list(values.language),
    },
    preferences: {
      ...(tradeoff !== undefined ? { costQualityTradeoff: tradeoff as number } : {}),
      ...(maxCost !== undefined ? { maxCostUsd: maxCost as number } : {}),
      ...(latency !== undefined ? { latencyBudgetMs: latency as number } : {}),
    },
    labels: { tenant: tenant ?? '', userTier: user_tier ?? '', task: task ?? '', session: session ?? '', extra },
    ...(topK !== undefined ? { explainTopK: topK as number } : {}),
  };
  return { request, connection: values, json: values.json ?? false };
}

const usd = (x: number) => (x === 0 ? '$0' : x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(2)}`);

export function formatDecision(r: DecideResponse__Output): string {
  const rows = r.candidates.map((c) => [
    c.rank ? String(c.rank) : '',
    c.model,
    c.provider,
    c.eligible ? 'yes' : 'no',
    c.predictedQuality.toFixed(3),
    usd(c.estimatedCostUsd),
    `${(c.estimatedLatencyMs / 1000).toFixed(1)}s`,
    c.eligible ? c.score.toFixed(3) : '',
    c.excludedReason,
  ]);
  const table = formatTable(['#', 'model', 'provider', 'eligible', 'quality', 'est. cost', 'latency', 'score', 'excluded because'], rows, new Set([0, 4, 5, 6, 7]));
  const us = (r.decisionTimeNs / 1000).toFixed(1);
  return [
    `model      ${r.model}`,
    `fallbacks  ${r.fallbacks.join(', ') || '(none)'}`,
    `plan       ${r.plan?.strategy.replace('STRATEGY_', '').toLowerCase()}: ${r.plan?.models.join(' -> ')}${r.plan?.checks.length ? ` (checks: ${r.plan.checks.join(', ')})` : ''}`,
    `policy     ${r.policy}${r.matchedRules.length ? `   rules: ${r.matchedRules.join(', ')}` : ''}`,
    `reason     ${r.reason}`,
    `prompt     ~${r.features?.estimatedInputTokens} tokens, ${r.features?.script} script`,
    `decision   ${r.decisionId}  (${us} µs in the router, model ${r.routerModel})`,
    '',
    table,
  ].join('\n');
}

export async function decideCommand(argv: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = requestFromArgs(argv, io);
  } catch (e) {
    io.err.write(`switchyard decide: ${(e as Error).message}\n${DECIDE_USAGE}\n`);
    return 2;
  }
  if (typeof parsed === 'string') {
    io.err.write(`switchyard decide: ${parsed}\n${DECIDE_USAGE}\n`);
    return 2;
  }
  const conn = connection(parsed.connection, io);
  if (typeof conn === 'string') {
    io.err.write(`switchyard decide: ${conn}\n`);
    return 2;
  }
  const client = conn.client();
  try {
    const r = await decide(client, parsed.request);
    io.out.write(parsed.json ? JSON.stringify(r) + '\n' : formatDecision(r) + '\n');
    return 0;
  } catch (e) {
    io.err.write(`switchyard decide: ${await conn.explain(e)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
