/** Shape checks of a JSON request body shared by the translators; each problem names the wire field. */
import type { Labels__Output as Labels } from '../generated/switchyard/v1/Labels.js';
import type { Caller } from './authenticate.js';
import { badField } from './http-error.js';

export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badField(field, value === undefined ? 'is required' : 'must be an object');
  return value as Record<string, unknown>;
}

export function arrayAt(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw badField(field, value === undefined ? 'is required' : 'must be an array');
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badField(field, 'must be a string');
  return value;
}

export function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badField(field, 'must be a number');
  return value;
}

export function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badField(field, 'must be a positive integer');
  return value;
}

const LABEL_KEYS: Record<string, 'userTier' | 'task' | 'session'> = { user_tier: 'userTier', task: 'task', session: 'session' };

/**
 * The request's metadata (string values) as routing labels: `user_tier`, `task` and `session`
 * fill their labels and every other key goes to the extra labels rules match on. The tenant
 * comes from the caller (authenticate.ts), never from the body.
 */
export function labelsOf(metadata: unknown, field: string, caller: Caller): Labels {
  const labels = { tenant: caller.tenant, userTier: '', task: '', session: '', extra: {} as Record<string, string> };
  if (metadata === undefined || metadata === null) return labels;
  for (const [key, value] of Object.entries(objectAt(metadata, field))) {
    if (typeof value !== 'string') throw badField(`${field}.${key}`, 'must be a string');
    const label = LABEL_KEYS[key];
    if (label) labels[label] = value;
    else labels.extra[key] = value;
  }
  return labels;
}
