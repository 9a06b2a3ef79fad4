/**
 * The Gemini fake held to the real wire format: the official SDK (@google/genai), pointed at
 * the fake, must pass the fake's request checks and parse its answers, streams and errors as
 * it would Google's. What the SDK accepts from the fake is what the adapter is tested against.
 */
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { onlyRequest as onlyFakeRequest, useFake } from './adapter-harness.js';
import { geminiWire, readGeminiFixture, startGeminiFake, type GeminiFake } from '../fakes/gemini-fake.js';
import { PNG_BASE64 } from '../fakes/fake-contract.js';

const API_KEY = 'AIza-sdk-truth-0123456789';
const MODEL = 'gemini-2.5-flash';
const WEATHER = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

let fake: GeminiFake;
let ai: GoogleGenAI;

useFake(
  () => startGeminiFake({ apiKey: API_KEY }),
  (started) => {
    fake = started;
    ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: fake.origin } });
  },
);

const onlyRequest = () => onlyFakeRequest(fake);

const fixture = (name: string): Record<string, unknown> => JSON.parse(readGeminiFixture(`${name}.json`)) as Record<string, unknown>;

describe('gemini sdk truth - plain answers', () => {
  it('a text answer parses, and the request passes the checks', async () => {
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'What is the capital of France?',
      config: { systemInstruction: 'Answer in one sentence.', maxOutputTokens: 64, temperature: 0.2 },
    });
    expect(response.text).toBe('The capital of France is Paris.');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 24, candidatesTokenCount: 8 });
    expect(response.modelVersion).toBe(fixture('text').modelVersion);
    expect(response.responseId).toBe(fixture('text').responseId);
    const request = onlyRequest();
    expect(geminiWire.model(request)).toBe(MODEL);
    expect(geminiWire.systemPrompt(request)).toBe('Answer in one sentence.');
    expect(geminiWire.maxOutputTokens(request)).toBe(64);
    expect(request.headers['x-goog-api-key']).toBe(API_KEY);
  });

  it('function calling: declarations, a forced mode, and the functionCall part', async () => {
    fake.script({ reply: 'tool-call' });
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'Weather in Paris?',
      config: {
        tools: [{ functionDeclarations: [WEATHER] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
      },
    });
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(geminiWire.toolNames(onlyRequest())).toEqual(['get_weather']);
  });

  it('a function response, inline and URL images, JSON output: the checks accept what the SDK sends', async () => {
    fake.script({ reply: 'tool-result' });
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Weather where this was taken?' },
            { inlineData: { mimeType: 'image/png', data: PNG_BASE64 } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/paris.jpg' } },
          ],
        },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: '18°C' } } }] },
      ],
      config: {
        tools: [{ functionDeclarations: [WEATHER] }],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { answer: { type: 'string' } } },
      },
    });
    expect(response.text).toBe('It is 18°C and sunny in Paris.');
    const request = onlyRequest();
    expect(geminiWire.images(request)).toEqual([
      { data: PNG_BASE64, mediaType: 'image/png' },
      { url: 'https://example.com/paris.jpg', mediaType: 'image/jpeg' },
    ]);
    expect(geminiWire.toolResults(request)).toEqual([{ name: 'get_weather', output: '{"output":"18°C"}' }]);
    expect(geminiWire.jsonOutput(request)).toEqual({ schema: { type: 'object', properties: { answer: { type: 'string' } } } });
  });

  it('the checks catch what Gemini rejects: a function call turn left unanswered', async () => {
    await ai.models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
        { role: 'user', parts: [{ text: 'Never mind.' }] },
      ],
      config: { tools: [{ functionDeclarations: [WEATHER] }] },
    });
    expect(fake.requests[0]?.problems.join('\n')).toMatch(/number of function response parts/);
  });

  it('a prompt Gemini blocks: no candidates, a block reason', async () => {
    fake.script({ fixture: 'prompt-blocked' });
    const response = await ai.models.generateContent({ model: MODEL, contents: 'Hello' });
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
  });
});

describe('gemini sdk truth - streams', () => {
  const accumulate = async (chunks: AsyncGenerator<GenerateContentResponse>) => {
    let text = '';
    const calls: unknown[] = [];
    let last: GenerateContentResponse | undefined;
    for await (const chunk of chunks) {
      const chunkCalls = chunk.functionCalls ?? [];
      // `text` warns when a chunk holds function calls: read it only when there are none.
      if (chunkCalls.length === 0) text += chunk.text ?? '';
      calls.push(...chunkCalls);
      last = chunk;
    }
    return { text, calls, last };
  };

  it('the recorded text stream: chunks add up to the recorded answer', async () => {
    const { text, last } = await accumulate(await ai.models.generateContentStream({ model: MODEL, contents: 'Capital of France?' }));
    expect(text).toBe('The capital of France is Paris.');
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toEqual(fixture('text').usageMetadata);
    expect(geminiWire.streaming(onlyRequest())).toBe(true);
  });

  it('the recorded function-call stream: the call arrives whole', async () => {
    fake.script({ reply: 'tool-call' });
    const { calls, last } = await accumulate(
      await ai.models.generateContentStream({ model: MODEL, contents: 'Weather?', config: { tools: [{ functionDeclarations: [WEATHER] }] } }),
    );
    expect(calls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(last?.usageMetadata).toEqual(fixture('tool-call').usageMetadata);
    onlyRequest();
  });

  for (const name of ['json', 'cached-usage', 'finish-length', 'finish-content-filter', 'tool-result'] as const) {
    it(`an answer cut into chunks (${name}) adds up to the answer`, async () => {
      fake.script({ reply: name });
      const whole = fixture(name);
      const { text, last } = await accumulate(await ai.models.generateContentStream({ model: MODEL, contents: 'Hello' }));
      const candidate = (whole.candidates as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      const parts = ((candidate.content as Record<string, unknown> | undefined)?.parts ?? []) as Array<{ text?: string }>;
      expect(text).toBe(parts.map((p) => p.text ?? '').join(''));
      expect(last?.candidates?.[0]?.finishReason).toBe(candidate.finishReason);
      expect(last?.usageMetadata).toEqual(whole.usageMetadata);
    });
  }
});

describe('gemini sdk truth - errors', () => {
  const failure = async (): Promise<ApiError> => {
    try {
      await ai.models.generateContent({ model: MODEL, contents: 'Hi' });
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      return error as ApiError;
    }
    throw new Error('expected an error');
  };

  it('overloaded: 503 UNAVAILABLE', async () => {
    fake.script({ fault: 'overloaded' });
    const error = await failure();
    expect(error.status).toBe(503);
    expect(JSON.parse(error.message)).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
  });

  it('rate limit: 429 RESOURCE_EXHAUSTED with a RetryInfo delay', async () => {
    fake.script({ fault: 'rate_limit' });
    const error = await failure();
    expect(error.status).toBe(429);
    const body = JSON.parse(error.message) as { error: { status: string; details: Array<Record<string, unknown>> } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' });
  });

  it('context length: 400 INVALID_ARGUMENT saying the input token count exceeds the maximum', async () => {
    fake.script({ fault: 'context_length' });
    const error = await failure();
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/input token count \(\d+\) exceeds the maximum/);
  });

  it('a bad API key: 400 INVALID_ARGUMENT with reason API_KEY_INVALID', async () => {
    fake.script({ status: 400, body: fixture('error-400-api-key') });
    const error = await failure();
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/API_KEY_INVALID/);
  });
});

// ---------------------------------------------------------------------------------------------
// The adapter read against the SDK: the same replies, the SDK's reading as the reference
// ---------------------------------------------------------------------------------------------

