import { describe, expect, it } from 'vitest';
import type { ResponseFormat } from '../../services/shared/contracts/provider.js';
import { JsonCheck, schemaValidator } from '../../services/router/execute/checks/json-check.js';
import { collectGarbage } from '../support/collect-garbage.js';
import { ctx, input, toolCall } from './support.js';

const check = new JsonCheck();
const run = (text: string, format: ResponseFormat, more = {}) => check.run(input(text, more, format), ctx());

const PERSON: ResponseFormat = {
  type: 'json_schema',
  name: 'person',
  strict: true,
  schema: {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 }, email: { type: 'string' } },
    required: ['name', 'age'],
    additionalProperties: false,
  },
};

describe('json - no JSON asked', () => {
  it('passes prose', async () => {
    expect(await run('Sure! Here is a summary.', { type: 'text' })).toEqual({ check: 'json', pass: true, detail: 'no JSON was asked' });
  });
});

describe('json - json_object', () => {
  it('passes an object, bare or inside a ```json fence', async () => {
    expect(await run('  {"sentiment": "positive", "score": 0.92}\n', { type: 'json_object' })).toMatchObject({ pass: true, detail: 'valid JSON' });
    expect(await run('```json\n{"sentiment": "positive"}\n```', { type: 'json_object' })).toMatchObject({ pass: true, detail: 'valid JSON inside a code fence' });
  });

  it('fails prose around the JSON, and says where parsing stopped', async () => {
    const v = await run('Here is the JSON you asked for:\n```json\n{"sentiment": "positive"}\n```', { type: 'json_object' });
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/^json_object was asked and the text is not valid JSON/);
    expect(v.detail).not.toContain('Here is');
  });

  it('fails a value that is not an object', async () => {
    expect(await run('[1, 2, 3]', { type: 'json_object' })).toMatchObject({ pass: false, detail: 'json_object was asked and the JSON is an array' });
  });

  it('passes tool calls without text', async () => {
    expect((await run('', { type: 'json_object' }, { toolCalls: [toolCall('lookup', '{}')] })).pass).toBe(true);
  });
});

describe('json - json_schema', () => {
  it('passes a value that matches the schema', async () => {
    expect(await run('{"name": "Ada Lovelace", "age": 36}', PERSON)).toMatchObject({ pass: true, detail: 'valid JSON that matches schema "person"' });
  });

  it('summarises ajv errors: the first three, then a count', async () => {
    const v = await run('{"age": -1, "nickname": "Ada", "email": 7}', PERSON);
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/^the JSON does not match schema "person": \/ must have required property 'name'; .+; and \d+ more$/);
    const one = await run('{"name": "Ada", "age": 36.5}', PERSON);
    expect(one.detail).toBe('the JSON does not match schema "person": /age must be integer');
  });

  it('compiles each schema once, keyed by its text', () => {
    const a = schemaValidator({ type: 'object', required: ['x'] });
    const b = schemaValidator(JSON.parse('{"type":"object","required":["x"]}') as Record<string, unknown>);
    expect(a).toBe(b);
    expect(schemaValidator({ type: 'array' })).not.toBe(a);
  });

  it('keeps at most 256 schemas: an older one, with ajv\'s compiled copy of it, is let go', async () => {
    const first: WeakRef<object>[] = [];
    for (let i = 0; i < 600; i++) {
      const schema = { type: 'object', required: [`field${i}`] };
      const validator = schemaValidator(schema);
      if (i < 10) first.push(new WeakRef(schema), new WeakRef(validator));
    }
    await collectGarbage();
    expect(first.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });

  it('a schema that does not compile: only the parse is checked, and the detail says so', async () => {
    const bad: ResponseFormat = { type: 'json_schema', name: 'broken', schema: { type: 'object', properties: { a: { type: 'not-a-type' } } } };
    expect(await run('{"a": 1}', bad)).toMatchObject({ pass: true, detail: expect.stringMatching(/schema "broken" does not compile, so it was not applied/) });
    expect((await run('not json', bad)).pass).toBe(false);
  });
});
