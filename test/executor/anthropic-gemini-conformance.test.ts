import { anthropicMessagesAdapter } from '../../services/executor/providers/anthropic-messages.js';
import { geminiGenerateContentAdapter } from '../../services/executor/providers/gemini-generate-content.js';
import { anthropicWire, startAnthropicFake } from '../fakes/anthropic-fake.js';
import { geminiWire, startGeminiFake } from '../fakes/gemini-fake.js';
import { runProviderConformance } from './provider-conformance.js';
import { EXPECTED } from '../fakes/fake-contract.js';

runProviderConformance([
  {
    name: 'anthropic',
    adapter: anthropicMessagesAdapter,
    startFake: startAnthropicFake,
    wire: anthropicWire,
    expect: {
      overloadedStatus: 529,
      // Anthropic reports cache writes too; the fixture has 56 fresh + 1280 read + 200 written.
      cachedUsage: { ...EXPECTED.cachedUsage, cacheWriteTokens: 200 },
    },
  },
  { name: 'gemini', adapter: geminiGenerateContentAdapter, startFake: startGeminiFake, wire: geminiWire },
]);
