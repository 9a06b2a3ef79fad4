/**
 * `switchyard execute [--addr ADDR] [--json] [--stream] [routing options] "prompt"`: routes and
 * runs a request on a running Switchyard and prints the answer with the model, cost and
 * attempts; with --json, the ExecuteResponse in proto3 JSON; with --stream, the answer as it
 * arrives.
 */
import * as grpc from '@grpc/grpc-js';
import type { ExecuteResponse__Output } from '../generated/switchyard/v1/ExecuteResponse.js';
import type { ExecuteStreamResponse__Output } from '../generated/switchyard/v1/ExecuteStreamResponse.js';
import type { CommandIO } from './command-io.js';
import { connection } from './cli-connection.js';
import { DECIDE_USAGE, requestFromArgs } from './decide-command.js';
import { formatTable } from './format-table.js';

export const EXECUTE_USAGE = DECIDE_USAGE.replace('switchyard decide', 'switchyard execute').replace('[--json]', '[--json] [--stream] [--timeout SECONDS]');

const usd = (x: number) => (x === 0 ? '$0' : `$${x.toPrecision(3)}`);

export function formatExecution(r: ExecuteResponse__Output): string {
  const rows = r.attempts.map((a) => [
    a.model,
    a.deployment,
    a.step,
    a.outcome.replace('ATTEMPT_OUTCOME_', '').toLowerCase(),
    `${Math.round(a.latencyMs)} ms`,
    `${a.usage?.inputTokens ?? 0}/${a.usage?.outputTokens ?? 0}`,
    usd(a.costUsd),
    a.error || a.check,
  ]);
  return [
    r.message?.text ?? '',
    ...(r.message?.toolCalls.length ? ['', ...r.message.toolCalls.map((c) => `tool call ${c.name}(${c.argumentsJson})`)] : []),
    '',
    `model ${r.model}  finish ${r.finishReason.replace('FINISH_REASON_', '').toLowerCase()}  tokens ${r.usage?.inputTokens}/${r.usage?.outputTokens} (cached ${r.usage?.cachedInputTokens})  cost ${usd(r.costUsd)}  decision ${r.decisionId}`,
    '',
    formatTable(['model', 'deployment', 'step', 'outcome', 'latency', 'in/out', 'cost', 'note'], rows, new Set([4, 5, 6])),
  ].join('\n');
}

export async function executeCommand(argv: string[], io: CommandIO): Promise<number> {
  const stream = argv.includes('--stream');
  const ti = argv.indexOf('--timeout');
  const timeoutS = ti >= 0 ? Number(argv[ti + 1]) : 120;
  const rest = argv.filter((a, i) => a !== '--stream' && (ti < 0 || (i !== ti && i !== ti + 1)));
  if (!(timeoutS > 0)) {
    io.err.write(`switchyard execute: --timeout must be a positive number of seconds\n${EXECUTE_USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = requestFromArgs(rest, io);
  } catch (e) {
    io.err.write(`switchyard execute: ${(e as Error).message}\n${EXECUTE_USAGE}\n`);
    return 2;
  }
  if (typeof parsed === 'string') {
    io.err.write(`switchyard execute: ${parsed}\n${EXECUTE_USAGE}\n`);
    return 2;
  }
  const conn = connection(parsed.connection, io);
  if (typeof conn === 'string') {
    io.err.write(`switchyard execute: ${conn}\n`);
    return 2;
  }
  const client = conn.client();
  const deadline = Date.now() + timeoutS * 1000;
  try {
    if (!stream) {
      const r = await new Promise<ExecuteResponse__Output>((resolve, reject) =>
        client.execute(parsed.request, new grpc.Metadata(), { deadline }, (e, res) => (e ? reject(e) : resolve(res!))),
      );
      io.out.write((parsed.json ? JSON.stringify(r) : formatExecution(r)) + '\n');
      return 0;
    }
    const call = client.executeStream({ request: parsed.request }, new grpc.Metadata(), { deadline });
    let done: ExecuteResponse__Output | undefined;
    for await (const ev of call as AsyncIterable<ExecuteStreamResponse__Output>) {
      if (parsed.json) io.out.write(JSON.stringify(ev) + '\n');
      else if (ev.event === 'textDelta') io.out.write(ev.textDelta!);
      else if (ev.event === 'toolCall') io.out.write(`\ntool call ${ev.toolCall!.name}(${ev.toolCall!.argumentsJson})\n`);
      else if (ev.event === 'done') done = ev.done!;
    }
    if (done && !parsed.json) io.out.write('\n' + formatExecution({ ...done, message: { text: '', toolCalls: [] } }).trimStart() + '\n');
    return 0;
  } catch (e) {
    io.err.write(`\nswitchyard execute: ${await conn.explain(e)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
