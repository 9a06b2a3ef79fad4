/**
 * `switchyard decisions tail | show ID | export`: reads the decision log of a running
 * Switchyard through ListDecisions and GetDecision.
 *
 *   tail [-n N] [--follow]   the newest records, one line each (--json: one JSON object each)
 *   show ID                  one record with its outcome, feedback and reported outcome
 *   export [--out FILE]      routing data (JSONL) for `switchyard eval` and `train`
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DecisionView__Output } from '../generated/switchyard/v1/DecisionView.js';
import type { ListDecisionsRequest } from '../generated/switchyard/v1/ListDecisionsRequest.js';
import { routingDataLine } from '../train/routing-data-from-decisions.js';
import type { CommandIO } from './command-io.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connection } from './cli-connection.js';
import { getDecision, listDecisions, type routerClient } from '../shared/grpc/router-client.js';

export const DECISIONS_USAGE = `usage: switchyard decisions tail [-n N] [--follow] [filters] [--addr ADDR] [--json]
       switchyard decisions show ID [--addr ADDR] [--json]
       switchyard decisions export [--out FILE] [--metric NAME] [--range MIN:MAX] [--lower-is-better] [filters] [--addr ADDR]
  filters: --since TIME --until TIME (ISO 8601) --model M --policy P --segment S --label key=value ... --with-feedback | --without-feedback
${CONNECTION_USAGE}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean', default: false },
  n: { type: 'string', short: 'n', default: '10' },
  follow: { type: 'boolean', short: 'f', default: false },
  out: { type: 'string' },
  metric: { type: 'string' },
  range: { type: 'string', default: '0:1' },
  'lower-is-better': { type: 'boolean', default: false },
  since: { type: 'string' },
  until: { type: 'string' },
  model: { type: 'string' },
  policy: { type: 'string' },
  segment: { type: 'string' },
  label: { type: 'string', multiple: true },
  'with-feedback': { type: 'boolean', default: false },
  'without-feedback': { type: 'boolean', default: false },
  'poll-ms': { type: 'string', default: '1000' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>['values'];

function filters(v: Values): ListDecisionsRequest | string {
  const time = (s: string | undefined, flag: string): number | string => {
    if (s === undefined) return 0;
    const t = Date.parse(s);
    return Number.isNaN(t) ? `${flag} ${s}: not an ISO 8601 time` : t;
  };
  const since = time(v.since, '--since');
  const until = time(v.until, '--until');
  if (typeof since === 'string') return since;
  if (typeof until === 'string') return until;
  const labels: Record<string, string> = {};
  for (const l of v.label ?? []) {
    const i = l.indexOf('=');
    if (i <= 0) return `--label ${l}: expected key=value`;
    labels[l.slice(0, i)] = l.slice(i + 1);
  }
  const { tenant, user_tier, task, session, ...extra } = labels;
  if (v['with-feedback'] && v['without-feedback']) return '--with-feedback and --without-feedback exclude each other';
  return {
    startTimeUnixMs: since,
    endTimeUnixMs: until,
    model: v.model ?? '',
    policy: v.policy ?? '',
    segment: v.segment ?? '',
    labels: { tenant: tenant ?? '', userTier: user_tier ?? '', task: task ?? '', session: session ?? '', extra },
    feedback: v['with-feedback'] ? 'FEEDBACK_FILTER_WITH' : v['without-feedback'] ? 'FEEDBACK_FILTER_WITHOUT' : 'FEEDBACK_FILTER_UNSPECIFIED',
  };
}

/** One line per record: time, id, chosen model, policy, tenant, then how it ended. */
export function summaryLine(v: DecisionView__Output): string {
  const r = v.record!;
  const o = r.outcome;
  const ended = o ? (o.errorCode ? `error ${o.errorCode}` : `answered by ${o.answeredModel} $${o.costUsd.toFixed(6)} (reference $${o.referenceCostUsd.toFixed(6)})`) : v.reportedOutcome ? `reported ${v.reportedOutcome.model}` : 'decided';
  const fb = v.feedback.length ? ` feedback ${v.feedback.map((f) => `${f.metric}=${f.value}`).join(',')}` : '';
  return `${new Date(r.timeUnixMs).toISOString()} ${r.decisionId} ${r.model.padEnd(18)} ${r.policy} ${r.labels?.tenant || '-'} ${ended}${fb}`;
}

export async function decisionsCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [sub, ...rest] = positionals;
  const fail = (msg: string, code = 2) => {
    io.err.write(`switchyard decisions: ${msg}\n${code === 2 ? DECISIONS_USAGE + '\n' : ''}`);
    return code;
  };
  if (sub !== 'tail' && sub !== 'show' && sub !== 'export') return fail(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
  const f = filters(values);
  if (typeof f === 'string') return fail(f);
  const conn = connection(values, io);
  if (typeof conn === 'string') return fail(conn);
  const client = conn.client();
  try {
    if (sub === 'show') {
      if (rest.length !== 1) return fail('show takes one decision id');
      const { decision } = await getDecision(client, rest[0]!);
      io.out.write(values.json ? JSON.stringify(decision) + '\n' : JSON.stringify(decision, null, 2) + '\n');
      return 0;
    }
    if (sub === 'tail') return await tail(client, f, values, io);
    return await exportData(client, f, values, io);
  } catch (e) {
    return fail(await conn.explain(e), 1);
  } finally {
    client.close();
  }
}

async function tail(client: ReturnType<typeof routerClient>, f: ListDecisionsRequest, v: Values, io: CommandIO): Promise<number> {
  const n = Number(v.n);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`-n ${v.n}: must be an integer from 1 to 1000`);
  const print = (d: DecisionView__Output) => io.out.write((v.json ? JSON.stringify(d) : summaryLine(d)) + '\n');
  const first = await listDecisions(client, { ...f, pageSize: n });
  let last = first.decisions[0]?.record?.decisionId ?? '';
  for (const d of [...first.decisions].reverse()) print(d);
  if (!v.follow) return 0;
  const pollMs = Number(v['poll-ms']);
  for (;;) {
    await new Promise((r) => setTimeout(r, pollMs));
    const page = await listDecisions(client, { ...f, pageSize: 1000 });
    const fresh = page.decisions.filter((d) => d.record!.decisionId > last);
    if (fresh.length) last = fresh[0]!.record!.decisionId;
    for (const d of fresh.reverse()) print(d);
  }
}

async function exportData(client: ReturnType<typeof routerClient>, f: ListDecisionsRequest, v: Values, io: CommandIO): Promise<number> {
  const [min, max] = v.range.split(':').map(Number) as [number, number];
  if (!Number.isFinite(min) || !Number.isFinite(max) || min === max) throw new Error(`--range ${v.range}: expected MIN:MAX, two different numbers`);
  const out = v.out ? createWriteStream(v.out) : io.out;
  const skipped = { 'no answer': 0, 'no feedback': 0 };
  let lines = 0;
  let withoutPrompt = 0;
  let token = '';
  do {
    const page = await listDecisions(client, { ...f, pageSize: 1000, pageToken: token });
    for (const d of page.decisions) {
      const line = routingDataLine(d, { ...(v.metric ? { metric: v.metric } : {}), min, max, lowerIsBetter: v['lower-is-better'] });
      if (typeof line === 'string') {
        skipped[line]++;
        continue;
      }
      if (!line.prompt) withoutPrompt++;
      out.write(JSON.stringify(line) + '\n');
      lines++;
    }
    token = page.nextPageToken;
  } while (token);
  if (v.out) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
  io.err.write(`exported ${lines} records; skipped ${skipped['no answer']} without an answer and ${skipped['no feedback']} without feedback${withoutPrompt ? `; ${withoutPrompt} carry no prompt text (router.prompt_logging is off), which train needs` : ''}\n`);
  return 0;
}
