/**
 * What a promoted router model looks like on NATS (JetStream), in one place:
 *
 *   object store `switchyard-router-models`   the model files, each named by its SHA-256 (hex)
 *   key-value    `switchyard-router-model`    key `current`: the pointer below (JSON); the key's
 *                                             history (up to 64 revisions) is the promotion log
 *   key-value    `switchyard-router-replicas` one key per router replica: what it runs (JSON)
 *
 * A pointer names the version every replica should run, the SHA-256 the object must hash to,
 * and the version it replaced, so that a rollback knows where to go. Both JSON shapes carry
 * `schema: 1`; a reader refuses any other, never half-reads it.
 */
import { z } from 'zod';

export const MODEL_POINTER_BUCKET = 'switchyard-router-model';
export const MODEL_OBJECT_BUCKET = 'switchyard-router-models';
export const REPLICA_BUCKET = 'switchyard-router-replicas';
export const POINTER_KEY = 'current';
/** Revisions of the pointer JetStream keeps (its limit for key-value history). */
export const POINTER_HISTORY = 64;
export const POINTER_SCHEMA = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const version = z.string().min(1).max(200);
const modelRef = z.strictObject({ version, sha256 });

const pointerSchema = z.strictObject({
  schema: z.literal(POINTER_SCHEMA),
  version,
  sha256,
  /** Bytes of the model file. */
  size: z.number().int().positive(),
  /** The model this one replaced; null for the first promotion (or when history ran out). */
  previous: modelRef.nullable(),
  action: z.enum(['promote', 'rollback']),
  /** When it was written (ISO 8601, the writer's clock). */
  at: z.string().min(1),
});

const replicaSchema = z.strictObject({
  schema: z.literal(POINTER_SCHEMA),
  replica: z.string().min(1),
  version,
  sha256,
  /** file: the router's own model file (nothing promoted, or promotion off); promoted: from NATS. */
  source: z.enum(['file', 'promoted']),
  /** The last promoted model this replica refused, and why (absent when none was refused since it runs this one). */
  refused: z.strictObject({ version, sha256: z.string(), reason: z.string(), at: z.string() }).optional(),
  at: z.string().min(1),
  /** The replica rewrites its report this often; a report much older is from a replica that is gone. */
  report_interval_ms: z.number().int().positive(),
});

export type ModelRef = z.infer<typeof modelRef>;
export type ModelPointer = z.infer<typeof pointerSchema>;
export type ReplicaReport = z.infer<typeof replicaSchema>;

function parse<T>(schema: z.ZodType<T>, what: string, bytes: Uint8Array): T {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${what}: not JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** Throws an error naming the field when the bytes are not a pointer of this schema. */
export function parsePointer(bytes: Uint8Array): ModelPointer {
  return parse(pointerSchema, 'model pointer', bytes);
}

export function parseReplicaReport(bytes: Uint8Array): ReplicaReport {
  return parse(replicaSchema, 'replica report', bytes);
}

export function encodeJson(value: ModelPointer | ReplicaReport): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** A replica id as a key-value key: letters, digits, - and _ (other characters become -). */
export function replicaKey(id: string): string {
  const key = id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128);
  if (key === '') throw new RangeError('a replica id needs at least one letter or digit');
  return key;
}
