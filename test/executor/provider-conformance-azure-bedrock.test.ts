import { azureOpenAIChatAdapter } from '../../services/executor/providers/azure-openai-chat.js';
import { startAzureOpenAIFake } from '../fakes/azure-openai-fake.js';
import { openAIWire } from '../fakes/openai-fake.js';
import { runProviderConformance } from './provider-conformance.js';

runProviderConformance([
  { name: 'azure-openai', adapter: azureOpenAIChatAdapter, startFake: startAzureOpenAIFake, wire: openAIWire },
]);
