/**
 * JSON: when the response format asks for JSON, the answer must be JSON.
 *  - format 'text': passes (no JSON was asked);
 *  - an answer made of tool calls and no text: passes (the JSON comes with the final answer);
 *  - the text, trimmed, or the inside of one code fence that wraps all of it (```json ... ```),
 *    must parse with JSON.parse; any other text around the JSON fails;
 *  - json_object: the value must be an object (not an array, string, number...);
 *  - json_schema: the value must validate against the schema (ajv, all errors; the first three
 *    are summarised in the detail). Schemas are compiled once and cached by their JSON text (the
 *    newest 256, with what ajv keeps of them: see `compile`); a
 *    schema ajv cannot compile is reported in the detail and only the parse is checked (the
 *    request's own validation is the place to refuse it).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Check, CheckContext, CheckInput, Verdict } from './check.js';
import { jsonText } from './json-text.js';

const MAX_CACHED = 256;

/**
 * ajv keeps everything an instance compiled (the schema, its generated code and the names in the
 * instance's scope) for the instance's life; removeSchema does not free the scope
 * (ajv-validator/ajv#1413). Schemas come from requests, so one instance for the process would
 * grow with each new schema. Each instance compiles at most MAX_CACHED schemas; then a new one
 * takes over, and the old one is garbage once the cache below has dropped its last validator.
 * At most two instances and 2 x MAX_CACHED compiled schemas are alive.
 */
let ajv = newAjv();
let compiledByAjv = 0;

function newAjv(): Ajv {
  return new Ajv({ allErrors: true, strict: false, logger: false, addUsedSchema: false, validateFormats: false });
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  if (compiledByAjv >= MAX_CACHED) {
    ajv = newAjv();
    compiledByAjv = 0;
  }
  compiledByAjv++;
  return ajv.compile(schema);
}

/** By the schema's JSON text, oldest first. */
const compiled = new Map<string, ValidateFunction | Error>();

/** The validator for a schema (or the reason it does not compile), compiled at most once while cached. */
export function schemaValidator(schema: Record<string, unknown>): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (!entry) {
    try {
      entry = compile(schema);
    } catch (e) {
      entry = e instanceof Error ? e : new Error(String(e));
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, entry);
  }
  return entry;
}

export function summariseAjvErrors(errors: readonly ErrorObject[], max = 3): string {
  const shown = errors.slice(0, max).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  return shown.join('; ') + (errors.length > max ? `; and ${errors.length - max} more` : '');
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

export class JsonCheck implements Check {
  readonly name = 'json';
  readonly kind = 'deterministic';

  async run({ answer, responseFormat: format }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const verdict = (pass: boolean, detail: string): Verdict => ({ check: this.name, pass, detail });
    if (format.type === 'text') return verdict(true, 'no JSON was asked');
    if (answer.toolCalls.length > 0 && answer.text.trim() === '') return verdict(true, 'tool calls; the JSON comes with the final answer');
    const { json, fenced } = jsonText(answer.text);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message)?.[1];
      return verdict(false, `${format.type} was asked and the text is not valid JSON${at ? ` (error at character ${at})` : ''}`);
    }
    const how = fenced ? 'valid JSON inside a code fence' : 'valid JSON';
    if (format.type === 'json_object') {
      const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
      return isObject ? verdict(true, how) : verdict(false, `json_object was asked and the JSON is ${kindOf(value)}`);
    }
    const validate = schemaValidator(format.schema);
    if (validate instanceof Error) return verdict(true, `${how}; schema "${format.name}" does not compile, so it was not applied: ${validate.message}`);
    if (validate(value)) return verdict(true, `${how} that matches schema "${format.name}"`);
    return verdict(false, `the JSON does not match schema "${format.name}": ${summariseAjvErrors(validate.errors ?? [])}`);
  }
}
