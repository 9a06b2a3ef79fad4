import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../services/shared/errors.js';
import type { Message__Output } from '../../services/generated/switchyard/v1/Message.js';
import { decideRequest, message, userMessage, type RequestOptions } from '../support/requests.js';
import { defaultConfigObject, routerFixture, type RouterFixture } from '../support/router-fixture.js';

let f: RouterFixture;
beforeAll(async () => {
  const c = defaultConfigObject();
  c.server.max_request_bytes = 10_000;
  c.server.max_messages = 5;
  f = await routerFixture({ config: c });
});

function errorOf(text: string, o: RequestOptions = {}): string {
  try {
    f.decider.decide(decideRequest(text, o));
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

const withImage = (image: Record<string, unknown>): Message__Output => {
  const m = userMessage('look');
  m.content.push({ image: image as never, part: 'image' });
  return m;
};

describe('validate - messages', () => {
  it('empty list', () => expect(errorOf('', { messages: [] })).toBe('messages: must not be empty'));
  it('too many', () => expect(errorOf('', { messages: Array.from({ length: 6 }, () => userMessage('x')) })).toBe('messages: has 6 messages, over the limit of 5'));
  it('unspecified role', () => expect(errorOf('', { messages: [message('ROLE_UNSPECIFIED', 'x')] })).toBe('messages[0].role: is required (system, user, assistant or tool)'));
  it('unknown role number', () => expect(errorOf('', { messages: [userMessage('a'), message(9 as never, 'x')] })).toBe('messages[1].role: unknown role 9'));
  it('no user message', () => expect(errorOf('', { messages: [message('ROLE_SYSTEM', 'be nice')] })).toBe('messages: must contain at least one user message'));
  it('part with neither text nor image', () => {
    const m = userMessage('x');
    m.content.push({ part: undefined } as never);
    expect(errorOf('', { messages: [m] })).toBe('messages[0].content[1]: has neither text nor image');
  });
  it('empty content', () => expect(errorOf('', { messages: [{ ...userMessage('x'), content: [] }] })).toBe('messages[0].content: must not be empty'));
  it('tool message without its call id', () => expect(errorOf('', { messages: [userMessage('a'), message('ROLE_TOOL', '42')] })).toBe('messages[1].tool_call_id: is required in tool messages'));
  it('tool call arguments that are not JSON', () => {
    const a = { ...message('ROLE_ASSISTANT', ''), content: [], toolCalls: [{ id: 'c1', name: 'f', argumentsJson: '{oops' }] };
    expect(errorOf('', { messages: [userMessage('a'), a] })).toMatch(/^messages\[1\]\.tool_calls\[0\]\.arguments_json: is not valid JSON/);
  });
  it('oversized content, naming the limit', () =>
    expect(errorOf('x'.repeat(10_001))).toBe('messages: the request holds 10001 bytes of content, over the limit of 10000 (server.max_request_bytes)'));
});

describe('validate - images', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex');
  it('bytes that are not the stated type', () =>
    expect(errorOf('', { messages: [withImage({ data: Buffer.from('hello world!'), mediaType: 'image/png', source: 'data' })] })).toBe(
      'messages[0].content[1].image.data: the bytes are not a image/png image',
    ));
  it('unsupported media type', () =>
    expect(errorOf('', { messages: [withImage({ data: png, mediaType: 'image/tiff', source: 'data' })] })).toMatch(/^messages\[0\]\.content\[1\]\.image\.data: media type "image\/tiff" is not one of/));
  it('bytes without a media type', () =>
    expect(errorOf('', { messages: [withImage({ data: png, mediaType: '', source: 'data' })] })).toBe('messages[0].content[1].image.media_type: is required with data'));
  it('a data URL that is not base64', () =>
    expect(errorOf('', { messages: [withImage({ url: 'data:image/png;base64,@@@@', source: 'url' })] })).toBe('messages[0].content[1].image.url: the data URL is not valid base64'));
  it('a plain http URL', () =>
    expect(errorOf('', { messages: [withImage({ url: 'http://example.com/a.png', source: 'url' })] })).toBe('messages[0].content[1].image.url: must be an https: or data: URL'));
  it('not a URL', () => expect(errorOf('', { messages: [withImage({ url: 'not a url', source: 'url' })] })).toBe('messages[0].content[1].image.url: is not a valid URL'));
  it('an image outside a user message', () => {
    const m = withImage({ data: png, mediaType: 'image/png', source: 'data' });
    m.role = 'ROLE_SYSTEM';
    expect(errorOf('', { messages: [m, userMessage('x')] })).toBe('messages[0].content[1]: images are allowed in user messages only, not system');
  });
  it('accepts a valid data URL', () => {
    const url = `data:image/png;base64,${png.toString('base64').padEnd(Math.ceil(png.toString('base64').length / 4) * 4, '=')}`;
    expect(() => f.decider.decide(decideRequest('', { messages: [withImage({ url, source: 'url' })] }))).not.toThrow();
  });
});

describe('validate - tools, formats, requirements, preferences', () => {
  it('bad tool name', () => expect(errorOf('x', { tools: [{ name: 'bad name!', description: '', parametersJson: '' }] })).toMatch(/^tools\[0\]\.name: must be 1-64/));
  it('duplicate tool', () =>
    expect(errorOf('x', { tools: [{ name: 'f', description: '', parametersJson: '' }, { name: 'f', description: '', parametersJson: '' }] })).toBe('tools[1].name: duplicate tool name "f"'));
  it('tool parameters that are not a JSON object', () =>
    expect(errorOf('x', { tools: [{ name: 'f', description: '', parametersJson: '[1]' }] })).toBe('tools[0].parameters_json: must be a JSON object'));
  it('JSON schema format without a schema', () =>
    expect(errorOf('x', { responseFormat: { type: 'RESPONSE_FORMAT_TYPE_JSON_SCHEMA', schemaName: 's', schemaJson: '' } })).toBe(
      'response_format.schema_json: is required with RESPONSE_FORMAT_TYPE_JSON_SCHEMA',
    ));
  it('unknown model in the allow list, listing the known ones', () =>
    expect(errorOf('x', { requirements: { allowModels: ['gpt-9'] } })).toMatch(/^requirements\.allow_models\[0\]: unknown model "gpt-9" \(known: gpt-5, /));
  it('unknown model in the deny list', () => expect(errorOf('x', { requirements: { denyModels: ['gpt-4o', 'nope'] } })).toMatch(/^requirements\.deny_models\[1\]: unknown model "nope"/));
  it('unknown capability', () => expect(errorOf('x', { requirements: { capabilities: [42 as never] } })).toBe('requirements.capabilities[0]: unknown capability 42'));
  it('bad language code', () => expect(errorOf('x', { requirements: { languages: ['English'] } })).toMatch(/^requirements\.languages\[0\]: "English" is not an ISO 639-1 code/));
  it('trade-off out of range', () => expect(errorOf('x', { preferences: { costQualityTradeoff: 1.5 } })).toBe('preferences.cost_quality_tradeoff: must be in [0, 1], got 1.5'));
  it('negative max cost', () => expect(errorOf('x', { preferences: { maxCostUsd: -1 } })).toBe('preferences.max_cost_usd: must be a positive number, got -1'));
  it('unknown policy', () => expect(errorOf('x', { policy: 'yolo' })).toMatch(/^policy: unknown policy "yolo" \(have: balanced, /));
  it('unknown strategy', () => expect(errorOf('x', { strategy: 17 as never })).toBe('strategy: unknown strategy 17'));
  it('absurd max output tokens', () => expect(errorOf('x', { maxOutputTokens: 2_000_000 })).toBe('max_output_tokens: must be at most 1000000'));
});
