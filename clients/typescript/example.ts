/**
 * Asks Switchyard which model it would route a prompt to, then runs the prompt, once as a
 * single call and once streamed.
 *
 *   npx tsc -p clients/typescript && node dist/clients/typescript/example.js [ADDRESS] [PROMPT]
 *
 * ADDRESS defaults to $SWITCHYARD_ADDR, then 127.0.0.1:50051.
 */
import { pathToFileURL } from 'node:url';
import {
  createRouterClient,
  DEFAULT_ADDRESS,
  type DecideResponse,
  type ExecuteResponse,
  type Message,
  type RouterClient,
} from './switchyard-client.js';

export const DEFAULT_PROMPT = 'Explain in two sentences why the sky is blue.';

export function userMessage(prompt: string): Message {
  return { role: 'ROLE_USER', content: [{ text: prompt }] };
}

export function formatDecision(d: DecideResponse): string[] {
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
      ].join(' ').trimEnd(),
    ),
  ];
}

export function formatResult(r: ExecuteResponse, withAnswer = true): string[] {
  return [
    ...(withAnswer ? [`answer:    ${r.message?.text ?? ''}`] : []),
    `model:     ${r.model}`,
    `cost:      $${r.costUsd.toFixed(7)}`,
    `tokens:    ${r.usage?.inputTokens ?? 0} in, ${r.usage?.outputTokens ?? 0} out`,
    'attempts:',
    ...r.attempts.map((a, i) => {
      const outcome = String(a.outcome).replace(/^ATTEMPT_OUTCOME_/, '').toLowerCase();
      return `  ${i + 1}. ${a.model} (${a.step}) ${outcome} in ${a.latencyMs.toFixed(0)} ms  ${a.error}`.trimEnd();
    }),
  ];
}

/** Decide, Execute and ExecuteStream for one prompt, printing as it goes. */
export async function runExample(router: RouterClient, prompt: string, print: (line: string) => void): Promise<void> {
  const messages = [userMessage(prompt)];

  print('== Decide');
  formatDecision(await router.decide({ messages })).forEach((line) => print(line));

  print('== Execute');
  formatResult(await router.execute({ messages })).forEach((line) => print(line));

  print('== ExecuteStream');
  let streamed = '';
  for await (const event of router.executeStream({ request: { messages } })) {
    if (event.decision) print(`routed to: ${event.decision.model}`);
    else if (event.textDelta) streamed += event.textDelta;
    else if (event.done) {
      print(`stream:    ${streamed}`);
      formatResult(event.done, false).forEach((line) => print(line));
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const address = argv[0] ?? process.env.SWITCHYARD_ADDR ?? DEFAULT_ADDRESS;
  const router = createRouterClient(address);
  try {
    await runExample(router, argv[1] ?? DEFAULT_PROMPT, (line) => console.log(line));
    return 0;
  } catch (err) {
    console.error(`switchyard: ${(err as Error).message}`); // e.g. "14 UNAVAILABLE: No connection established"
    return 1;
  } finally {
    router.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
