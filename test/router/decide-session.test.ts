/**
 * Session stickiness against the policy's operating point: a conversation keeps its model for
 * the provider's prompt cache, but one system prompt shared by an application's users is not a
 * conversation, and no session keeps a model below the policy's quality margin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Decider } from '../../services/router/decide/decide.js';
import { loadConfig } from '../../services/shared/config/load-config.js';
import { PromptCacheRouting } from '../../services/router/cache/prompt-cache.js';
import { PromptCacheTable } from '../../services/router/cache/prompt-cache-table.js';
import { decideRequest, message, userMessage } from '../support/requests.js';
import { routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  f = await routerFixture();
});

/** A Decider with a stickiness margin of 0.05 and a fresh session table. */
const sticky = () =>
  new Decider({
    config: loadConfig().config,
    catalog: f.catalog,
    scoring: f.models,
    status: f.state.current,
    promptCache: new PromptCacheRouting(new PromptCacheTable({ maxEntries: 100 }), { stickinessMargin: 0.05, maxSessions: 100, sessionTtlMs: 60_000 }),
  });

const SYSTEM = 'You are the assistant of ACME Corp. Answer the customer politely and accurately.';
const PROOF = 'Prove that every finite integral domain is a field.';
const withSystem = (text: string) => [message('ROLE_SYSTEM', SYSTEM), userMessage(text)];

describe('decide - session stickiness', () => {
  it('a shared system prompt is not one session: a greeting after a proof goes where it would alone', () => {
    const alone = f.decider.decide(decideRequest('hi', { messages: withSystem('hi') })).response.model;
    const d = sticky();
    const proof = d.decide(decideRequest(PROOF, { messages: withSystem(PROOF) })).response;
    expect(proof.model).not.toBe(alone);
    const hi = d.decide(decideRequest('hi', { messages: withSystem('hi') })).response;
    expect(hi.model).toBe(alone);
    expect(hi.reason).not.toContain('session');
  });

  it('never keeps a session model below the policy quality margin', () => {
    const d = sticky();
    const q = 'What is the capital of Australia?';
    const labels = { session: 'c1' };
    const balanced = d.decide(decideRequest(q, { labels })).response;
    const quality = d.decide(decideRequest(q, { policy: 'quality', labels })).response;
    const best = Math.max(...quality.candidates!.filter((c) => c.eligible).map((c) => c.predictedQuality!));
    const chosen = quality.candidates!.find((c) => c.model === quality.model)!;
    expect(balanced.model).not.toBe(quality.model);
    expect(chosen.predictedQuality!).toBeGreaterThanOrEqual(0.995 * best);
    expect(quality.reason).not.toContain('session');
  });

  it('keeps a session model within the margins, and the reason says so', () => {
    const d = sticky();
    const labels = { session: 'c2' };
    const alone = f.decider.decide(decideRequest('hi')).response.model;
    const first = d.decide(decideRequest('hello!', { policy: 'quality', labels })).response;
    expect(first.model).not.toBe(alone);
    const hi = d.decide(decideRequest('hi', { labels })).response;
    expect(hi.model).toBe(first.model);
    expect(hi.reason).toContain(`kept the session's model: within 0.05 utility of the best-ranked model (${alone})`);
  });
});
