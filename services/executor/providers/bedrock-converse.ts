/**
 * The AWS Bedrock adapter (kind 'bedrock'): Converse (POST {baseUrl}/model/{modelId}/converse)
 * and ConverseStream (…/converse-stream, answered in the AWS event-stream framing), each
 * request signed with SigV4 for the deployment's region and the credentials read from the
 * environment. Errors carry their AWS type in `x-amzn-errortype` (classify-bedrock-error.ts).
 * Bedrock sends no rate-limit headers.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { buildConverseBody } from './bedrock-converse-request.js';
import { toBedrockChatResult } from './bedrock-converse-response.js';
import { bedrockStreamEvents } from './bedrock-converse-stream.js';
import { bedrockErrorType, classifyBedrockError } from './classify-bedrock-error.js';
import { ProviderError } from './errors.js';
import { errorFromResponse, postText, readJson, type ProviderResponse } from './http.js';
import { NodeSha256 } from './node-sha256.js';
import {
  PROVIDER_SPEC_VERSION,
  type AwsCredentials,
  type ChatRequest,
  type ChatResult,
  type ProviderAdapter,
  type ProviderEndpoint,
  type StreamResult,
} from '../../shared/contracts/provider.js';

const PROVIDER = 'bedrock';
/** The SigV4 signing name of the Bedrock runtime API. */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';

export function bedrockUrl(baseUrl: string, modelId: string, stream: boolean): string {
  return `${baseUrl.replace(/\/+$/, '')}/model/${encodeURIComponent(modelId)}/${stream ? 'converse-stream' : 'converse'}`;
}

/** The headers of a request signed with SigV4: host, x-amz-date, authorization and, for temporary credentials, x-amz-security-token. */
export async function signRequest(
  url: string,
  headers: Record<string, string>,
  payload: string,
  aws: AwsCredentials,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signed = await signerFor(aws).sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port !== '' ? { port: Number(target.port) } : {}),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { ...headers, host: target.host },
      body: payload,
    },
    signingDate !== undefined ? { signingDate } : {},
  );
  return signed.headers;
}

/** One signer per deployment's credentials, so its cache of derived signing keys is kept. */
const SIGNERS = new WeakMap<AwsCredentials, SignatureV4>();

function signerFor(aws: AwsCredentials): SignatureV4 {
  let signer = SIGNERS.get(aws);
  if (signer === undefined) {
    signer = new SignatureV4({
      service: BEDROCK_SIGNING_SERVICE,
      region: aws.region,
      credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey, ...(aws.sessionToken ? { sessionToken: aws.sessionToken } : {}) },
      sha256: NodeSha256,
      applyChecksum: false,
    });
    SIGNERS.set(aws, signer);
  }
  return signer;
}

async function send(endpoint: ProviderEndpoint, request: ChatRequest, signal: AbortSignal, stream: boolean): Promise<ProviderResponse> {
  const aws = endpoint.aws;
  if (aws === undefined || aws.accessKeyId === '' || aws.secretAccessKey === '') {
    throw new ProviderError({ kind: 'auth', provider: PROVIDER, retryable: false, message: `${PROVIDER}: no AWS credentials for this deployment` });
  }
  const url = bedrockUrl(endpoint.baseUrl, request.model, stream);
  const payload = JSON.stringify(buildConverseBody(request, PROVIDER));
  const unsigned = {
    ...lowerCaseKeys(endpoint.headers ?? {}),
    'content-type': 'application/json',
    accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json',
  };
  const headers = await signRequest(url, unsigned, payload, aws);
  const response = await postText(url, headers, payload, signal, { provider: PROVIDER });
  if (response.ok) return response;
  const type = bedrockErrorType(response.headers.get('x-amzn-errortype'));
  throw await errorFromResponse(response, signal, PROVIDER, { classify: classifyBedrockError, ...(type !== undefined ? { providerCode: type } : {}) });
}

export const bedrockConverseAdapter: ProviderAdapter = {
  specificationVersion: PROVIDER_SPEC_VERSION,
  kind: PROVIDER,

  async generate(endpoint, request, signal): Promise<ChatResult> {
    const response = await send(endpoint, request, signal, false);
    const body = await readJson(response, signal, PROVIDER);
    return toBedrockChatResult(body, PROVIDER, request.model, response.headers.get('x-amzn-requestid') ?? undefined);
  },

  async stream(endpoint, request, signal): Promise<StreamResult> {
    const response = await send(endpoint, request, signal, true);
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
    const events = bedrockStreamEvents(response.body, signal, { provider: PROVIDER, model: request.model, ...(requestId !== undefined ? { requestId } : {}) });
    return { events };
  },
};

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
