/**
 * Encodes and decodes the bus messages (proto/switchyard/v1/bus.proto) in the protobuf wire
 * format, with the same conventions as the gRPC services: lowerCamelCase field names, enums by
 * name, 64-bit integers as numbers. A message from a newer schema version is refused (decode
 * returns undefined), never half-read.
 */
import protobuf from 'protobufjs';
import { resolve } from 'node:path';
import type { DriftAlarm, DriftAlarm__Output } from '../../generated/switchyard/v1/DriftAlarm.js';
import type { CacheReport, CacheReport__Output } from '../../generated/switchyard/v1/CacheReport.js';
import type { ExecutorAnnouncement, ExecutorAnnouncement__Output } from '../../generated/switchyard/v1/ExecutorAnnouncement.js';
import type { HealthReport, HealthReport__Output } from '../../generated/switchyard/v1/HealthReport.js';
import type { RateLimitReport, RateLimitReport__Output } from '../../generated/switchyard/v1/RateLimitReport.js';
import type { SyncRequest, SyncRequest__Output } from '../../generated/switchyard/v1/SyncRequest.js';
import { PROTO_DIR } from '../grpc/proto.js';
import { BUS_KINDS, SCHEMA_VERSION, type BusKind } from './subjects.js';

export interface BusMessages {
  health: [HealthReport, HealthReport__Output];
  ratelimit: [RateLimitReport, RateLimitReport__Output];
  cache: [CacheReport, CacheReport__Output];
  announce: [ExecutorAnnouncement, ExecutorAnnouncement__Output];
  sync: [SyncRequest, SyncRequest__Output];
  drift: [DriftAlarm, DriftAlarm__Output];
}
export type BusInput<K extends BusKind> = BusMessages[K][0];
export type BusOutput<K extends BusKind> = BusMessages[K][1];

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

let types: Record<BusKind, protobuf.Type> | undefined;

function typeOf(kind: BusKind): protobuf.Type {
  if (!types) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => resolve(PROTO_DIR, target);
    root.loadSync('switchyard/v1/bus.proto', { keepCase: false });
    const t = {} as Record<BusKind, protobuf.Type>;
    for (const [k, name] of Object.entries(BUS_KINDS)) t[k as BusKind] = root.lookupType(`switchyard.v1.${name}`);
    types = t;
  }
  return types[kind];
}

export function encode<K extends BusKind>(kind: K, message: Omit<BusInput<K>, 'schemaVersion'>): Uint8Array {
  const type = typeOf(kind);
  return type.encode(type.fromObject({ ...message, schemaVersion: SCHEMA_VERSION })).finish();
}

/** The message, or undefined when the bytes are not one or come from an unknown schema version. */
export function decode<K extends BusKind>(kind: K, bytes: Uint8Array): BusOutput<K> | undefined {
  try {
    const type = typeOf(kind);
    const out = type.toObject(type.decode(bytes), TO_OBJECT) as BusOutput<K> & { schemaVersion: number };
    if (out.schemaVersion !== SCHEMA_VERSION) return undefined;
    return out;
  } catch {
    return undefined;
  }
}
