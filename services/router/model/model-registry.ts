/**
 * The promoted router model on JetStream (names and shapes in model-pointer.ts): what the
 * `switchyard model` commands write and read, and what every router replica follows.
 *
 * Promotion stores the file in the object store under its SHA-256, then moves the pointer with
 * compare-and-set on its revision, so two operators promoting at once cannot both win and lose
 * each other's `previous`. Objects no pointer revision refers to any more are deleted (`prune`,
 * after a promotion or a rollback), so the store holds at most the history's worth of models.
 */
import { createHash } from 'node:crypto';
import { JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { Objm, setSha256Backend, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  MODEL_OBJECT_BUCKET,
  MODEL_POINTER_BUCKET,
  POINTER_HISTORY,
  POINTER_KEY,
  POINTER_SCHEMA,
  REPLICA_BUCKET,
  encodeJson,
  parsePointer,
  parseReplicaReport,
  replicaKey,
  type ModelPointer,
  type ModelRef,
  type ReplicaReport,
} from './model-pointer.js';

/** A replica's report is swept from the bucket after this long without a rewrite. */
const REPLICA_REPORT_MAX_AGE_MS = 3_600_000;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The object does not hash to what the pointer says (corrupted, or replaced under the same name). */
export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

function isConflict(e: unknown): boolean {
  if (e instanceof JetStreamApiError && e.code === 10071) return true;
  return /wrong last sequence|key exists/i.test((e as Error)?.message ?? '');
}

export interface CurrentPointer {
  pointer: ModelPointer;
  /** The key-value revision it was written at (a watch resumes after it). */
  revision: number;
}

export type PointerEvent = { kind: 'pointer'; current: CurrentPointer } | { kind: 'deleted'; revision: number } | { kind: 'unreadable'; revision: number; error: Error };

function pointerEvent(e: KvEntry): PointerEvent {
  if (e.operation !== 'PUT') return { kind: 'deleted', revision: e.revision };
  try {
    return { kind: 'pointer', current: { pointer: parsePointer(e.value), revision: e.revision } };
  } catch (error) {
    return { kind: 'unreadable', revision: e.revision, error: error as Error };
  }
}

export class ModelRegistry {
  private constructor(
    private readonly pointers: KV,
    private readonly objects: ObjectStore,
    private readonly replicas: KV,
  ) {}

  /** Opens the buckets, creating any that is missing. Throws when JetStream is not available. */
  static async open(nc: NatsConnection): Promise<ModelRegistry> {
    // The object store hashes what it stores and reads; Node's SHA-256 costs a third of the
    // pure-JS default's CPU for a 1 MB model (the setting is process-wide).
    setSha256Backend('native');
    const kvm = new Kvm(nc);
    const pointers = await kvm.create(MODEL_POINTER_BUCKET, { history: POINTER_HISTORY });
    const objects = await new Objm(nc).create(MODEL_OBJECT_BUCKET, { description: 'Switchyard router models, by SHA-256' });
    const replicas = await kvm.create(REPLICA_BUCKET, { history: 1, ttl: REPLICA_REPORT_MAX_AGE_MS });
    return new ModelRegistry(pointers, objects, replicas);
  }

  /** The pointer in force, or undefined when none was ever promoted (or it was deleted). */
  async current(): Promise<CurrentPointer | undefined> {
    const e = await this.pointers.get(POINTER_KEY);
    if (e?.operation !== 'PUT') return undefined;
    return { pointer: parsePointer(e.value), revision: e.revision };
  }

  /** The model bytes a pointer names, checked against its SHA-256; throws ModelIntegrityError when they differ. */
  async fetch(ref: ModelRef): Promise<Uint8Array> {
    const bytes = await this.objects.getBlob(ref.sha256);
    if (bytes === null) throw new ModelIntegrityError(`the object store holds no model ${ref.sha256.slice(0, 12)}… for version ${ref.version}`);
    const got = sha256Hex(bytes);
    if (got !== ref.sha256) throw new ModelIntegrityError(`sha256 mismatch for version ${ref.version}: the pointer says ${ref.sha256.slice(0, 12)}…, the object hashes to ${got.slice(0, 12)}…`);
    return bytes;
  }

  /** Stores the model and points every replica at it. */
  async promote(bytes: Uint8Array, version: string, now = new Date()): Promise<ModelPointer> {
    const sha256 = sha256Hex(bytes);
    const existing = await this.objects.info(sha256);
    if (!existing || existing.deleted || existing.size !== bytes.length) await this.objects.putBlob({ name: sha256, description: version }, bytes);
    const current = await this.current();
    const pointer: ModelPointer = {
      schema: POINTER_SCHEMA,
      version,
      sha256,
      size: bytes.length,
      previous: current ? { version: current.pointer.version, sha256: current.pointer.sha256 } : null,
      action: 'promote',
      at: now.toISOString(),
    };
    await this.swing(pointer, current);
    return pointer;
  }

  /**
   * Points every replica back at the model the current one replaced; when it replaced none
   * (the first promotion), deletes the pointer, so every replica serves its model file again.
   * Returns the new pointer, or undefined for the model files.
   */
  async rollback(now = new Date()): Promise<ModelPointer | undefined> {
    const current = await this.current();
    if (!current) throw new Error('nothing to roll back: no model is promoted (every replica serves its model file)');
    const back = current.pointer.previous;
    if (!back) {
      await this.swing(undefined, current);
      return undefined;
    }
    const info = await this.objects.info(back.sha256);
    if (!info || info.deleted) throw new Error(`cannot roll back to ${back.version}: its model is no longer in the object store`);
    // Where that version itself came from, so a second rollback goes one step further back.
    let before: ModelRef | null = null;
    for (const p of await this.history()) if (p.version === back.version && p.sha256 === back.sha256) before = p.previous;
    const pointer: ModelPointer = { schema: POINTER_SCHEMA, version: back.version, sha256: back.sha256, size: info.size, previous: before, action: 'rollback', at: now.toISOString() };
    await this.swing(pointer, current);
    return pointer;
  }

  /** Every pointer revision JetStream still keeps, oldest first. */
  async history(): Promise<ModelPointer[]> {
    const out: ModelPointer[] = [];
    const it = await this.pointers.history({ key: POINTER_KEY });
    for await (const e of it) {
      if (e.operation !== 'PUT') continue;
      try {
        out.push(parsePointer(e.value));
      } catch {
        // A revision this version cannot read is not part of its history.
      }
    }
    return out;
  }

  /** Moves the pointer from `current` (compare-and-set) to `pointer`, or deletes it. */
  private async swing(pointer: ModelPointer | undefined, current: CurrentPointer | undefined): Promise<void> {
    try {
      if (!pointer) await this.pointers.delete(POINTER_KEY, { previousSeq: current!.revision });
      else if (current) await this.pointers.update(POINTER_KEY, encodeJson(pointer), current.revision);
      else await this.pointers.create(POINTER_KEY, encodeJson(pointer));
    } catch (e) {
      if (isConflict(e)) throw new Error('the model pointer moved while this command ran (another promotion or rollback); run it again');
      throw e;
    }
  }

  /** Deletes the objects no kept pointer revision names (after a promotion or a rollback; replicas are not waiting for it). */
  async prune(): Promise<void> {
    const keep = new Set<string>();
    for (const p of await this.history()) {
      keep.add(p.sha256);
      if (p.previous) keep.add(p.previous.sha256);
    }
    for (const o of await this.objects.list()) if (!o.deleted && !keep.has(o.name)) await this.objects.delete(o.name);
  }

  /** The revision of the pointer in force (0 when there is none): a watcher is in sync once it has seen it. */
  async headRevision(): Promise<number> {
    const e = await this.pointers.get(POINTER_KEY);
    return e?.operation === 'PUT' ? e.revision : 0;
  }

  /** Tells `onChange` of the pointer's latest value, then of every change; the returned function stops it. */
  async watch(onChange: (e: PointerEvent) => void): Promise<() => void> {
    const it = await this.pointers.watch({ key: POINTER_KEY });
    void (async () => {
      for await (const e of it) onChange(pointerEvent(e));
    })();
    return () => it.stop();
  }

  async report(r: ReplicaReport): Promise<void> {
    await this.replicas.put(replicaKey(r.replica), encodeJson(r));
  }

  async withdraw(replica: string): Promise<void> {
    await this.replicas.delete(replicaKey(replica));
  }

  /** What every replica last reported, by replica id. */
  async reports(): Promise<ReplicaReport[]> {
    const out: ReplicaReport[] = [];
    for await (const key of await this.replicas.keys()) {
      const e = await this.replicas.get(key);
      if (e?.operation !== 'PUT') continue;
      try {
        out.push(parseReplicaReport(e.value));
      } catch {
        // A report from another schema version is skipped, not half-read.
      }
    }
    return out.sort((a, b) => a.replica.localeCompare(b.replica));
  }
}
