/**
 * Shadow evaluation over the simulator, canned and replayed: which requests are shadowed (share
 * per policy and segment, a seeded sample), the reference and both judge orders are called, and
 * each grade becomes feedback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ReplayPlayer } from '../../services/executor/simulator/replay.js';
import type { ExecuteResult } from '../../services/router/execute/execute-types.js';
import type { RoutingPrompt } from '../../services/shared/routing-data.js';
import { ask, seeded, shadowRig, type ShadowRig } from './support.js';

let rig: ShadowRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const userText = (c: { request: { messages: { content: { type: string; text?: string }[] }[] } }) =>
  c.request.messages.map((m) => m.content.map((p) => (p.type === 'text' ? p.text : '')).join('')).join('\n');

describe('shadow - share 1.0 on the canned simulator', () => {
  it('shadows every answered request: one reference call, the judge in both orders, a grade as feedback', async () => {
    rig = await shadowRig({ share: 1 });
    const results: ExecuteResult[] = [];
    for (let i = 0; i < 4; i++) results.push(await rig.execute(ask(`Question number ${i}: name a colour.`)));
    await rig.shadow.idle();

    const ids = results.map((r) => r.decision.response.decisionId);
    expect(results.every((r) => r.model === 'cheap')).toBe(true);
    expect(rig.feedback.map((f) => f.decisionId)).toEqual(ids);
    expect(rig.executor.steps('shadow_reference').map((c) => c.model)).toEqual(['ref-us', 'ref-us', 'ref-us', 'ref-us']);
    const ab = rig.executor.steps('shadow_judge_ab');
    const ba = rig.executor.steps('shadow_judge_ba');
    expect(ab.map((c) => c.model)).toEqual(['judge', 'judge', 'judge', 'judge']);
    expect(ba).toHaveLength(4);
    // Both orders: the routed answer is A in one and B in the other.
    results.forEach((r, i) => {
      const routed = r.message.text;
      expect(userText(ab[i]!)).toMatch(new RegExp(`<answer_a>\\n\\[assistant\\]\\n${escapeRegExp(routed)}\\n</answer_a>`));
      expect(userText(ba[i]!)).toMatch(new RegExp(`<answer_b>\\n\\[assistant\\]\\n${escapeRegExp(routed)}\\n</answer_b>`));
      expect(ab[i]!.decisionId).toBe(r.decision.response.decisionId);
    });
    // The canned judge prefers the longer answer: "... from ref-us" is longer than "... from cheap",
    // in either order, so the routed answer loses.
    expect(rig.feedback.map((f) => [f.metric, f.floatValue])).toEqual(ids.map(() => ['shadow_win', 0]));
    expect(rig.feedback[0]!.comment).toMatch(/^shadow loss against ref-us \(judge judge: A\/B B, B\/A A;/);
    expect(rig.shadow.stats()).toMatchObject({ sampled: 4, graded: { win: 0, tie: 0, loss: 4 }, skipped: {}, calls: 12 });
    expect(rig.facts.filter((f) => f.kind === 'call').map((f) => (f.kind === 'call' ? f.role : ''))).toEqual(Array.from({ length: 4 }, () => ['reference', 'judge', 'judge']).flat());
    expect(rig.facts.filter((f) => f.kind === 'grade')).toHaveLength(4);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('shadow - share 1.0 on the replay simulator', () => {
  it('grades from the recorded outcomes: win, loss and tie become 1, 0 and 0.5', async () => {
    const outcome = (quality: number) => ({ quality, input_tokens: 10, output_tokens: 20, cost_usd: 0.001 });
    const prompts: RoutingPrompt[] = [
      { id: 'p1', prompt: 'Replay: what is 7 times 6?', segment: 'math', outcomes: { cheap: outcome(0.9), 'ref-us': outcome(0.4) } },
      { id: 'p2', prompt: 'Replay: name the capital of Peru.', segment: 'facts', outcomes: { cheap: outcome(0.2), 'ref-us': outcome(0.8) } },
      { id: 'p3', prompt: 'Replay: spell "banana" backwards.', segment: 'text', outcomes: { cheap: outcome(0.5), 'ref-us': outcome(0.5) } },
    ];
    rig = await shadowRig({ share: 1 }, { replay: new ReplayPlayer({ prompts }) });
    const ids: string[] = [];
    for (const p of prompts) ids.push((await rig.execute(ask(p.prompt))).decision.response.decisionId);
    await rig.shadow.idle();
    expect(rig.feedback.map((f) => [f.decisionId, f.floatValue])).toEqual([
      [ids[0], 1],
      [ids[1], 0],
      [ids[2], 0.5],
    ]);
    expect(rig.shadow.stats().graded).toEqual({ win: 1, tie: 1, loss: 1 });
  });
});

describe('shadow - ExecuteStream', () => {
  it('a streamed answer is shadowed once the stream is done', async () => {
    rig = await shadowRig({ share: 1 });
    let done: ExecuteResult | undefined;
    for await (const ev of rig.engine.executeStream(ask('Stream me a colour.'), new AbortController().signal)) if (ev.type === 'done') done = ev.result;
    await rig.shadow.idle();
    expect(rig.feedback.map((f) => f.decisionId)).toEqual([done!.decision.response.decisionId]);
    expect(rig.executor.steps('shadow_judge_ab')).toHaveLength(1);
    expect(rig.executor.steps('shadow_judge_ba')).toHaveLength(1);
  });
});

describe('shadow - which requests are shadowed', () => {
  it('an answer from the reference itself has nothing to be compared with: skipped', async () => {
    rig = await shadowRig({ share: 1 });
    const r = await rig.execute(ask('Only the reference may answer.', { requirements: { allowModels: ['ref-us'] } }));
    await rig.shadow.idle();
    expect(r.model).toBe('ref-us');
    expect(rig.shadow.stats()).toMatchObject({ sampled: 1, skipped: { answered_by_reference: 1 }, calls: 0 });
  });

  it('share 0.1 over seeded traffic shadows exactly the requests whose draw falls under 0.1 (about 10%)', async () => {
    const n = 300;
    const draws = seeded(7);
    let expected = 0;
    for (let i = 0; i < n; i++) if (draws() < 0.1) expected++;
    rig = await shadowRig({ share: 0.1, concurrency: 4 }, { random: seeded(7) });
    for (let i = 0; i < n; i++) await rig.execute(ask(`Seeded request ${i}`));
    await rig.shadow.idle();
    const stats = rig.shadow.stats();
    expect(stats.sampled).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(0.06 * n);
    expect(expected).toBeLessThanOrEqual(0.14 * n);
    expect(rig.feedback).toHaveLength(expected);
    expect(rig.executor.steps('shadow_reference')).toHaveLength(expected);
  });

  it("a segment's share overrides its policy's: only requests of segment code are shadowed", async () => {
    rig = await shadowRig({ share: 0, policies: { test: { share: 0, segments: { code: 1 } } } });
    const code = await rig.execute(ask('Write a loop.', { labels: { task: 'code' } }));
    await rig.execute(ask('Write a poem.', { labels: { task: 'poetry' } }));
    await rig.execute(ask('Write anything.'));
    await rig.shadow.idle();
    expect(rig.feedback.map((f) => f.decisionId)).toEqual([code.decision.response.decisionId]);
    expect(rig.shadow.stats().sampled).toBe(1);
  });
});
