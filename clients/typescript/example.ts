/**
 * Asks Switchyard which model it would route a prompt to, then runs the prompt, once as a
 * single call and once streamed.
 *
 *   node example.js [ADDRESS] [PROMPT]     (after compiling it with tsc; see README.md)
 *
 * ADDRESS defaults to $SWITCHYARD_ADDR, then 127.0.0.1:50051. Exits 1 with the gRPC status when
 * a call fails.
 */
import {
  AttemptOutcome,
  Code,
  ConnectError,
  createRouterClient,
  DEFAULT_ADDRESS,
  Role,
  type DecideResponse,
  type ExecuteResponse,
} from '@switchyard/client';

const DEFAULT_PROMPT = 'Explain in two sentences why the sky is blue.';

function formatDecision(d: DecideResponse): string[] {
  // The chosen model and its fallbacks first (rank 1, 2, ...), then the rest by score.
  const order = (rank: number) => (rank === 0 ? Number.MAX_SAFE_INTEGER : rank);
  const candidates = [...d.candidates].sort((a, b) => order(a.rank) - order(b.rank) || b.score - a.score);
  return [
    `model:     ${d.model}`,
    `fallbacks: ${d.fallbacks.join(', ') || '(none)'}`,
    `reason:    ${d.reason}`,
    'candidates:',
    `  ${'model'.padEnd(24)} ${'eligible'.padEnd(8)} ${'quality'.padStart(7)} ${'est. cost'.padStart(10)} ${'score'.padStart(6)}  excluded because`,
    ...candidates.map((c) =>
      [
        `  ${c.model.padEnd(24)} ${(c.eligible ? 'yes' : 'no').padEnd(8)}`,
        c.predictedQuality.toFixed(3).padStart(7),
        `$${c.estimatedCostUsd.toFixed(6)}`.padStart(10),
        `${c.score.toFixed(3).padStart(6)}  ${c.excludedReason}`,
      ]
        .join(' ')
        .trimEnd(),
    ),
  ];
}

function formatResult(r: ExecuteResponse, withAnswer = true): string[] {
  return [
    ...(withAnswer ? [`answer:    ${r.message?.text ?? ''}`] : []),
    `model:     ${r.model}`,
    `cost:      $${r.costUsd.toFixed(7)}`,
    // 64-bit counts are bigints.
    `tokens:    ${r.usage?.inputTokens ?? 0n} in, ${r.usage?.outputTokens ?? 0n} out`,
    'attempts:',
    ...r.attempts.map((a, i) => {
      const outcome = (AttemptOutcome[a.outcome] ?? String(a.outcome)).toLowerCase();
      return `  ${i + 1}. ${a.model} (${a.step}) ${outcome} in ${a.latencyMs.toFixed(0)} ms  ${a.error}`.trimEnd();
    }),
  ];
}

async function main(address: string, prompt: string): Promise<void> {
  const router = createRouterClient(address);
  // Plain objects are enough for requests; enums are numbers with named constants.
  const messages = [{ role: Role.USER, content: [{ part: { case: 'text' as const, value: prompt } }] }];

  console.log('== Decide');
  for (const line of formatDecision(await router.decide({ messages }, { timeoutMs: 10_000 }))) console.log(line);

  console.log('== Execute');
  for (const line of formatResult(await router.execute({ messages }, { timeoutMs: 60_000 }))) console.log(line);

  console.log('== ExecuteStream');
  let streamed = '';
  for await (const { event } of router.executeStream({ request: { messages } }, { timeoutMs: 60_000 })) {
    if (event.case === 'decision') console.log(`routed to: ${event.value.model}`);
    else if (event.case === 'textDelta') streamed += event.value;
    else if (event.case === 'done') {
      console.log(`stream:    ${streamed}`);
      for (const line of formatResult(event.value, false)) console.log(line);
    }
  }
}

const [address = process.env.SWITCHYARD_ADDR || DEFAULT_ADDRESS, prompt = DEFAULT_PROMPT] = process.argv.slice(2);
main(address, prompt).catch((err: unknown) => {
  const e = ConnectError.from(err);
  console.error(`switchyard: ${Code[e.code]}: ${e.rawMessage}`);
  process.exit(1);
});
