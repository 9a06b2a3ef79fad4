/** JSON values the simulator invents: a value that satisfies a JSON Schema, and the small type guards it uses. */
export type Json = Record<string, unknown>;

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value that satisfies common JSON Schemas: every property present, enums and consts honoured. */
export function sampleSchema(schema: unknown, name: string, depth: number): unknown {
  if (!isRecord(schema) || depth > 8) return `simulated ${name}`;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return sampleSchema(options[0], name, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') ?? 'null' : schema.type;
  switch (type) {
    case 'object':
    case undefined: {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      if (type === undefined && Object.keys(properties).length === 0) return `simulated ${name}`;
      return Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, sampleSchema(sub, key, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, numberOr(schema.minItems, 1));
      return Array.from({ length: count }, () => sampleSchema(schema.items, name, depth + 1));
    }
    case 'string':
      if (schema.format === 'date-time') return '2025-01-01T00:00:00Z';
      if (schema.format === 'date') return '2025-01-01';
      return `simulated ${name}`;
    case 'integer':
      return Math.ceil(numberOr(schema.minimum, 0));
    case 'number':
      return numberOr(schema.minimum, 0);
    case 'boolean':
      return false;
    default:
      return null;
  }
}
