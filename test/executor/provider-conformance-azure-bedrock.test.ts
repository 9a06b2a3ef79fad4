import { azureOpenAIChatAdapter } from '../../services/executor/providers/azure-openai-chat.js';
import { bedrockConverseAdapter } from '../../services/executor/providers/bedrock-converse.js';
import { startAzureOpenAIFake } from '../fakes/azure-openai-fake.js';
import { BEDROCK_FAKE_ACCESS_KEY_ID, BEDROCK_FAKE_REGION, bedrockWire, startBedrockFake } from '../fakes/bedrock-fake.js';
import { openAIWire } from '../fakes/openai-fake.js';
import { runProviderConformance } from './provider-conformance.js';
import { EXPECTED } from '../fakes/fake-contract.js';

runProviderConformance([
  { name: 'azure-openai', adapter: azureOpenAIChatAdapter, startFake: startAzureOpenAIFake, wire: openAIWire },
  {
    name: 'bedrock',
    adapter: bedrockConverseAdapter,
    startFake: startBedrockFake,
    wire: bedrockWire,
    // The suite's key is the secret access key; the fake verifies every signature with it.
    endpoint: (fake, apiKey) => ({
      baseUrl: fake.url,
      apiKey: '',
      aws: { region: BEDROCK_FAKE_REGION, accessKeyId: BEDROCK_FAKE_ACCESS_KEY_ID, secretAccessKey: apiKey },
    }),
    expect: {
      // AWS answers a bad token or signature with 403, sends no Retry-After, and reports cache writes.
      authStatus: 403,
      rateLimitRetryAfterMs: undefined,
      cachedUsage: { ...EXPECTED.cachedUsage, cacheWriteTokens: 200 },
    },
  },
]);
