/**
 * The OpenTelemetry GenAI semantic conventions Switchyard's metrics follow (semantic-conventions
 * docs/gen-ai/gen-ai-metrics.md, status Development): instrument names, units, the attribute
 * keys, and the explicit bucket boundaries the conventions recommend for each histogram.
 */

/** Histogram of input and output tokens per operation, `gen_ai.token.type` = input | output. */
export const GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Histogram of a whole operation's duration, seconds; `error.type` when it failed. */
export const GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Histogram of the time from the request to the first streamed chunk, seconds; streams only. */
export const GEN_AI_CLIENT_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';

export const TOKEN_USAGE_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const OPERATION_DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const TIME_TO_FIRST_CHUNK_BUCKETS: readonly number[] = OPERATION_DURATION_BUCKETS;

export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_ERROR_TYPE = 'error.type';

/** The conventions' fallback `error.type` when no better low-cardinality name applies. */
export const ERROR_TYPE_OTHER = '_OTHER';

/** `gen_ai.provider.name` values of the conventions, by provider kind in the config. */
export const GEN_AI_PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  'openai-compatible': 'openai',
  bedrock: 'aws.bedrock',
};
