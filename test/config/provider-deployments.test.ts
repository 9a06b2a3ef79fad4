import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildModelRuntimes } from '../../services/executor/model-runtime.js';
import { Catalog } from '../../services/shared/catalog.js';
import { ConfigError, parseConfig } from '../../services/shared/config/load-config.js';
import type { Config } from '../../services/shared/config/schema.js';
import { EXPECTED } from '../fakes/fake-contract.js';
import { BEDROCK_FAKE_ACCESS_KEY_ID, BEDROCK_FAKE_REGION, startBedrockFake } from '../fakes/bedrock-fake.js';
import type { BaseProviderFake } from '../fakes/provider-fake.js';

/** A model as the YAML has it, loosely typed so tests can break it. */
type RawModel = Record<string, unknown> & { deployments: Array<Record<string, unknown>> };

const SONNET: RawModel = {
  id: 'claude-sonnet-4-5',
  provider: 'anthropic',
  quality: { benchmark: 0.8, source: 'synthetic test score, 2026' },
  prices: { input: 3, output: 15 },
  context_window: 200_000,
  max_output_tokens: 64_000,
  latency: { ttft_ms: 800, output_tokens_per_second: 60 },
  deployments: [
    { name: 'anthropic', base_url: 'https://api.anthropic.com/v1', api_key_env: 'ANTHROPIC_API_KEY', region: 'us', model_name: 'claude-sonnet-4-5-20250929' },
    { provider: 'bedrock', name: 'bedrock-eu', region: 'eu', aws_region: 'eu-central-1', model_name: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  ],
};
const GPT: RawModel = {
  id: 'gpt-4o-mini',
  provider: 'azure-openai',
  quality: { benchmark: 0.6, source: 'synthetic test score, 2026' },
  prices: { input: 0.15, output: 0.6 },
  context_window: 128_000,
  max_output_tokens: 16_384,
  latency: { ttft_ms: 400, output_tokens_per_second: 90 },
  deployments: [
    { name: 'azure-se', base_url: 'https://contoso-se.openai.azure.com', api_version: '2024-10-21', api_key_env: 'AZURE_OPENAI_API_KEY', region: 'eu', model_name: 'gpt-4o-mini-prod' },
    { name: 'azure-us', base_url: 'https://contoso-us.openai.azure.com/', api_version: '2025-01-01-preview', api_key_env: 'AZURE_OPENAI_TOKEN', auth: 'entra', region: 'us' },
  ],
};

const parse = (models: unknown[]): Config => parseConfig(stringify({ models }), 'test.yaml');
function problems(models: unknown[]): string[] {
  try {
    parse(models);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe('config - provider kinds per deployment', () => {
  it('deployments - a deployment takes its model provider unless it names its own', () => {
    const config = parse([SONNET, GPT]);
    expect(config.models[0]?.deployments.map((d) => d.provider)).toEqual(['anthropic', 'bedrock']);
    expect(config.models[1]?.deployments.map((d) => d.provider)).toEqual(['azure-openai', 'azure-openai']);
  });

  it('bedrock - the endpoint and credential variables default to the AWS ones', () => {
    const bedrock = new Catalog(parse([SONNET]), {}).get('claude-sonnet-4-5')?.deployments[1];
    expect(bedrock).toMatchObject({
      provider: 'bedrock',
      baseUrl: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
      region: 'eu',
      modelName: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      credentialEnv: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
      hasCredentials: false,
    });
  });

  it('credentials - AWS needs both variables; a model is served by whichever deployment has its credentials', () => {
    const config = parse([SONNET]);
    const keyOnly = new Catalog(config, { AWS_ACCESS_KEY_ID: 'AKIA0' }).get('claude-sonnet-4-5');
    expect(keyOnly?.hasCredentials).toBe(false);
    expect(keyOnly?.missingCredentials).toEqual(['ANTHROPIC_API_KEY', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY']);
    const aws = new Catalog(config, { AWS_ACCESS_KEY_ID: 'AKIA0', AWS_SECRET_ACCESS_KEY: 's' }).get('claude-sonnet-4-5');
    expect(aws?.hasCredentials).toBe(true);
    expect(aws?.deployments.map((d) => d.hasCredentials)).toEqual([false, true]);
  });

  it('runtime - each deployment gets its kind adapter and an endpoint with its credentials', () => {
    const config = parse([SONNET, GPT]);
    const env = { ANTHROPIC_API_KEY: 'sk-ant', AWS_ACCESS_KEY_ID: 'AKIA0', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'tok', AZURE_OPENAI_API_KEY: 'az', AZURE_OPENAI_TOKEN: 'jwt' };
    const [sonnet, gpt] = buildModelRuntimes({ config, catalog: new Catalog(config, env), env });
    expect(sonnet?.deployments.map((d) => d.adapter.kind)).toEqual(['anthropic', 'bedrock']);
    expect(sonnet?.deployments[1]?.endpoint).toEqual({
      baseUrl: 'https://bedrock-runtime.eu-central-1.amazonaws.com',
      apiKey: '',
      headers: {},
      aws: { region: 'eu-central-1', accessKeyId: 'AKIA0', secretAccessKey: 'secret', sessionToken: 'tok' },
    });
    expect(gpt?.deployments.map((d) => [d.adapter.kind, d.endpoint.apiKey, d.endpoint.azure])).toEqual([
      ['azure-openai', 'az', { apiVersion: '2024-10-21', auth: 'api-key' }],
      ['azure-openai', 'jwt', { apiVersion: '2025-01-01-preview', auth: 'entra' }],
    ]);
  });

  it('validation - kind-specific keys are checked and named by path', () => {
    const bad = structuredClone(SONNET);
    bad.deployments[1] = { ...bad.deployments[1], aws_region: 'frankfurt', api_key_env: 'AWS_KEY' };
    const azure = structuredClone(GPT);
    delete azure.deployments[0]?.api_version;
    azure.deployments[1] = { ...azure.deployments[1], aws_region: 'us-east-1', auth: 'password' };
    expect(problems([bad, azure]).sort()).toEqual([
      'models[0].deployments[1].api_key_env: unknown key',
      'models[0].deployments[1].aws_region: must be an AWS region such as us-east-1',
      'models[1].deployments[0].api_version: Invalid input: expected string, received undefined',
      'models[1].deployments[1].auth: Invalid option: expected one of "api-key"|"entra"',
      'models[1].deployments[1].aws_region: unknown key',
    ]);
  });

  it('validation - an unknown deployment kind names the kinds there are', () => {
    const odd = structuredClone(SONNET);
    odd.deployments[1] = { ...odd.deployments[1], provider: 'vertex' };
    expect(problems([odd])).toEqual([
      "models[0].deployments[1].provider: Invalid discriminator value. Expected 'openai' | 'anthropic' | 'gemini' | 'openai-compatible' | 'bedrock' | 'azure-openai'",
    ]);
  });
});

describe('config - a Bedrock deployment answers through its runtime', () => {
  let fake: BaseProviderFake;
  beforeAll(async () => {
    fake = await startBedrockFake({ apiKey: 'runtime-secret' });
  });
  afterAll(() => fake.close());

  it('runtime - the configured deployment signs with the environment credentials and gets the answer', async () => {
    const model = structuredClone(SONNET);
    model.deployments[1] = { ...model.deployments[1], aws_region: BEDROCK_FAKE_REGION, base_url: fake.origin };
    const config = parse([model]);
    const env = { AWS_ACCESS_KEY_ID: BEDROCK_FAKE_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: 'runtime-secret' };
    const bedrock = buildModelRuntimes({ config, catalog: new Catalog(config, env), env })[0]?.deployments[1];
    const result = await bedrock!.adapter.generate(bedrock!.endpoint, { model: bedrock!.modelName, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, AbortSignal.timeout(10_000));
    expect(fake.requests[0]?.problems).toEqual([]);
    expect(fake.requests[0]?.path).toBe('/model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    expect(result.message.text).toBe(EXPECTED.text);
  });
});
