import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import { verifierMessages } from '../../services/router/execute/run-speculative.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ ttftMs: 0, tokensPerSecond: 100_000 });
});
afterAll(async () => {
  await sim.close();
});

async function ask(text: string): Promise<string> {
  const res = await fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]!.message.content;
}

describe('simulator - speculative verification', () => {
  it('accepts some drafts and corrects others, deterministically', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 24; i++) {
      const [, review] = verifierMessages([{ role: 'user', content: [{ type: 'text', text: 'q' }] }], `draft number ${i}`, false);
      answers.push(await ask((review!.content[0] as { text: string }).text));
    }
    const accepted = answers.filter((a) => a === 'ACCEPT').length;
    expect(accepted).toBeGreaterThan(6);
    expect(accepted).toBeLessThan(24);
    expect(answers.filter((a) => a !== 'ACCEPT').every((a) => a.includes('simulated answer'))).toBe(true);
    const [, again] = verifierMessages([{ role: 'user', content: [{ type: 'text', text: 'q' }] }], 'draft number 0', false);
    expect(await ask((again!.content[0] as { text: string }).text)).toBe(answers[0]);
  });

  it('answers ordinary prompts as before', async () => {
    expect(await ask('hello there')).toMatch(/^This is a simulated answer from m/);
  });
});
