import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../services/shared/catalog.js';
import type { ExecutorClient, InvokeEvent, InvokeInput } from '../../services/shared/contracts/invoke.js';
import type { Decision } from '../../services/router/decide/decide.js';
import { boundExecutor, outOfBounds } from '../../services/router/execute/request-bounds.js';
import { ZERO_USAGE } from '../../services/shared/contracts/usage.js';

const REGIONS: Record<string, string[]> = { eu1: ['eu'], us1: ['us'], both: ['eu', 'us'] };
const catalog = { get: (id: string) => (REGIONS[id] ? { id, regions: REGIONS[id] } : undefined) } as unknown as Catalog;

function decision(o: { regions?: string[]; allow?: string[]; deny?: string[]; models?: string[]; hardPin?: boolean }): Decision {
  return {
    request: { regions: o.regions ?? [], allowModels: o.allow ? new Set(o.allow) : null, denyModels: new Set(o.deny ?? []) },
    plan: { strategy: 'single', models: o.models ?? ['eu1'], checks: [], ...(o.hardPin ? { hardPin: true } : {}) },
  } as unknown as Decision;
}

function recorder(): { inner: ExecutorClient; seen: InvokeInput[] } {
  const seen: InvokeInput[] = [];
  const inner: ExecutorClient = {
    invoke: async (input) => {
      seen.push(input);
      return { ok: false, model: input.model, error: { kind: 'server_error', message: 'x', retryable: true }, usage: { ...ZERO_USAGE }, costUsd: 0, attempts: [] };
    },
    invokeStream: (input) => {
      seen.push(input);
      return (async function* (): AsyncGenerator<InvokeEvent> {})();
    },
  };
  return { inner, seen };
}

const input = (model: string, step = 'judge'): InvokeInput => ({ model, request: { messages: [], responseFormat: { type: 'text' } }, allowedRegions: [], decisionId: 'd', step });

describe('request bounds - every call passes the request’s lists and regions', () => {
  it('names the bound a model breaks, in the order allow, deny, region, hard pin', () => {
    expect(outOfBounds(decision({ allow: ['us1'] }), catalog, 'eu1')).toMatch(/^allow list/);
    expect(outOfBounds(decision({ deny: ['eu1'] }), catalog, 'eu1')).toMatch(/^deny list/);
    expect(outOfBounds(decision({ regions: ['eu'] }), catalog, 'us1')).toBe('region: served from us, requirements.regions allows eu');
    expect(outOfBounds(decision({ regions: ['eu'] }), catalog, 'both')).toBeNull();
    expect(outOfBounds(decision({ models: ['eu1'], hardPin: true }), catalog, 'both')).toMatch(/^hard pin/);
    expect(outOfBounds(decision({}), catalog, 'us1')).toBeNull();
  });

  it('refuses a call outside the bounds without making it, as a skipped attempt that no model can mend', async () => {
    const { inner, seen } = recorder();
    const bound = boundExecutor(inner, decision({ regions: ['eu'] }), catalog);
    const outcome = await bound.invoke(input('us1'), new AbortController().signal);
    expect(seen).toHaveLength(0);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ kind: 'excluded', retryable: false });
    expect(outcome.attempts).toEqual([expect.objectContaining({ model: 'us1', step: 'judge', outcome: 'skipped', costUsd: 0 })]);
    const events = [];
    for await (const e of bound.invokeStream(input('us1'), new AbortController().signal)) events.push(e);
    expect(events).toEqual([expect.objectContaining({ type: 'error', partial: false })]);
    expect(seen).toHaveLength(0);
  });

  it('passes the request’s regions with every call it lets through, whatever the caller set', async () => {
    const { inner, seen } = recorder();
    const bound = boundExecutor(inner, decision({ regions: ['eu'] }), catalog);
    await bound.invoke({ ...input('both'), allowedRegions: [] }, new AbortController().signal);
    for await (const _ of bound.invokeStream({ ...input('both'), allowedRegions: ['us'] }, new AbortController().signal));
    expect(seen.map((s) => s.allowedRegions)).toEqual([['eu'], ['eu']]);
  });
});
