import { describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../../services/executor/model-runtime.js';
import { ProviderCallHookSet, type ProviderCallHooks } from '../../services/executor/provider-call-hooks.js';
import type { ChatRequest, Usage } from '../../services/shared/contracts/provider.js';

const rt = { model: { id: 'm' } } as unknown as ModelRuntime;
const request = { model: 'm', messages: [] } as unknown as ChatRequest;
const usage: Usage = { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, cacheWriteTokens: 0 };

function recorder(events: string[], name: string): ProviderCallHooks {
  return {
    started: (_rt, _req, streaming) => {
      events.push(`${name} started ${streaming ? 'stream' : 'call'}`);
      return {
        firstToken: () => events.push(`${name} first token`),
        answered: (u) => events.push(`${name} answered ${u.outputTokens}`),
        failed: (e) => events.push(`${name} failed ${(e as Error).message}`),
      };
    },
  };
}

describe('executor - provider call hooks', () => {
  it('tells every registered hook of a call once, in order, and ends a call only once', () => {
    const set = new ProviderCallHookSet();
    const events: string[] = [];
    set.add(recorder(events, 'a'));
    const off = set.add(recorder(events, 'b'));
    const call = set.started(rt, request, true);
    call.firstToken();
    call.answered(usage, undefined);
    call.failed(new Error('abandoned'));
    off();
    set.started(rt, request, false).failed(new Error('boom'));
    expect(events).toEqual([
      'a started stream',
      'b started stream',
      'a first token',
      'b first token',
      'a answered 4',
      'b answered 4',
      'a started call',
      'a failed boom',
    ]);
  });

  it('a hook that throws neither breaks the call nor keeps the other hooks from hearing of it', () => {
    const set = new ProviderCallHookSet();
    const events: string[] = [];
    set.add({ started: () => { throw new Error('broken hook'); } });
    set.add(recorder(events, 'ok'));
    const call = set.started(rt, request, false);
    expect(() => call.answered(usage, undefined)).not.toThrow();
    expect(events).toEqual(['ok started call', 'ok answered 4']);
  });
});
