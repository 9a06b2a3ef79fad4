import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayTraffic } from '../../services/evaluation/replay-traffic.js';
import { ReplayPlayer } from '../../services/executor/simulator/replay.js';
import { startSimulator, type Simulator } from '../../services/executor/simulator/simulator-server.js';
import { parseRoutingJsonl, type RoutingPrompt } from '../../services/shared/routing-data.js';

/** A small routing data set: two segments, two models, right/wrong outcomes. */
function dataSet(): RoutingPrompt[] {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const segment = i % 2 === 0 ? 'math' : 'chat';
    const outcomes = {
      'strong-x': { quality: 1, input_tokens: 20, output_tokens: 120 + i, cost_usd: 0.001 },
      'weak-y': { quality: i % 4 === 0 ? 0 : 1, input_tokens: 20, output_tokens: 60, cost_usd: 0.0001 },
    };
    lines.push(JSON.stringify({ id: `q${i}`, prompt: `Question ${i}: what is ${i} + ${i}?`, segment, outcomes }));
  }
  return parseRoutingJsonl(lines.join('\n'), 'replay-fixture.jsonl');
}

const prompts = dataSet();
let player: ReplayPlayer;
let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  player = new ReplayPlayer({ prompts, models: { 'sim-strong': 'strong-x', 'sim-weak': 'weak-y' } });
  sim = await startSimulator({ ttftMs: 0, tokensPerSecond: 1e6, models: ['sim-strong', 'sim-weak', 'replay-judge', 'sim-other'], replay: player });
  client = new OpenAI({ apiKey: 'unused', baseURL: sim.url, maxRetries: 0 });
});
afterAll(() => sim.close());

const ask = async (model: string, content: string) => (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0]!;

describe('simulator - replays a routing data set', () => {
  it('answers a prompt of the set with the recorded outcome of the model asked, and its recorded length', async () => {
    const strong = await client.chat.completions.create({ model: 'sim-strong', messages: [{ role: 'user', content: prompts[3]!.prompt }] });
    expect(strong.choices[0]!.message.content).toBe('Replayed answer of sim-strong to q3 (chat). [replay-quality: 1.000]');
    expect(strong.usage!.completion_tokens).toBe(123);
    expect((await ask('sim-weak', prompts[4]!.prompt)).message.content).toContain('[replay-quality: 0.000]');
    // A prompt outside the set, or a model the set does not know, gets the plain simulated answer.
    expect((await ask('sim-strong', 'Something else entirely')).message.content).toMatch(/^This is a simulated answer/);
    expect((await ask('sim-other', prompts[3]!.prompt)).message.content).toMatch(/^This is a simulated answer/);
  });

  it('the simulated judge grades from the outcome carried by the answer it is shown', async () => {
    const answer = (await ask('sim-weak', prompts[8]!.prompt)).message.content!;
    const verdict = await ask('replay-judge', `[user]\n${prompts[8]!.prompt}\n\n<answer>\n${answer}\n</answer>`);
    expect(verdict.message.content).toMatch(/Score: 0\/10$/);
    const good = (await ask('sim-strong', prompts[8]!.prompt)).message.content!;
    expect((await ask('replay-judge', `<answer>${good}</answer>`)).message.content).toMatch(/Score: 10\/10$/);
  });

  it('a fault makes one model worse on one segment from then on, and only there', async () => {
    const mean = async (model: string, segment: string) => {
      const qs = await Promise.all(prompts.filter((p) => p.segment === segment).map(async (p) => Number(/replay-quality: ([\d.]+)/.exec((await ask(model, p.prompt)).message.content!)![1])));
      return qs.reduce((a, b) => a + b, 0) / qs.length;
    };
    expect(await mean('sim-strong', 'math')).toBe(1);
    player.degrade('sim-strong', 'math', 0.5);
    const after = await mean('sim-strong', 'math');
    expect(after).toBeLessThan(0.8);
    expect(after).toBeGreaterThan(0.2);
    expect(await mean('sim-strong', 'chat')).toBe(1);
    expect(await mean('sim-weak', 'math')).toBe(0.5);
    player.restore();
    expect(await mean('sim-strong', 'math')).toBe(1);
    expect(() => player.degrade('sim-strong', 'math', 0)).toThrow(/drop must be in \(0, 1\]/);
  });

  it("a fault's expected quality: right answers count 1 − the chance they turn wrong, so the segment's mean falls by exactly the drop", () => {
    const math = prompts.filter((p) => p.segment === 'math');
    const mean = (model: string) => math.reduce((a, p) => a + player.expected(model, p.prompt)!, 0) / math.length;
    expect(mean('sim-weak')).toBe(0.5);
    player.degrade('sim-weak', 'math', 0.2);
    // Half the math answers are right, so each turns wrong with probability 0.4.
    expect(player.expected('sim-weak', prompts[2]!.prompt)).toBeCloseTo(0.6, 12);
    expect(player.expected('sim-weak', prompts[4]!.prompt)).toBe(0);
    expect(mean('sim-weak')).toBeCloseTo(0.3, 12);
    expect(player.expected('sim-weak', prompts[3]!.prompt)).toBe(1);
    expect(player.expected('sim-other', prompts[3]!.prompt)).toBeUndefined();
    player.restore();
    expect(mean('sim-weak')).toBe(0.5);
  });
});

describe('replay traffic - segment shares and shifts', () => {
  it('draws segments in the data set\'s proportions, then in the shifted ones', () => {
    const traffic = new ReplayTraffic(prompts, 5);
    const share = (n: number) => Array.from({ length: n }, () => traffic.next()).filter((p) => p.segment === 'math').length / n;
    expect(Math.abs(share(4_000) - 0.5)).toBeLessThan(0.05);
    traffic.shiftToward('math', 0.9);
    expect(Math.abs(share(4_000) - 0.9)).toBeLessThan(0.03);
    expect(() => traffic.shiftToward('law', 0.5)).toThrow(/unknown segment "law" \(known: math, chat\)/);
  });
});
