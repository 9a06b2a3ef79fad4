/**
 * Encodes and decodes decision-log entries (proto/switchyard/v1/decision_record.proto) in the
 * protobuf wire format, with the conventions of the gRPC services: lowerCamelCase names, enums
 * by name, 64-bit integers as numbers. A record of a newer schema version decodes to undefined.
 */
import protobuf from 'protobufjs';
import { resolve } from 'node:path';
import type { DecisionLogEntry, DecisionLogEntry__Output } from '../../generated/switchyard/v1/DecisionLogEntry.js';
import { PROTO_DIR } from '../../shared/grpc/proto.js';

/** The version of DecisionRecord this code writes and reads. */
export const RECORD_VERSION = 1;

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true, arrays: true };

let entryType: protobuf.Type | undefined;

function type(): protobuf.Type {
  if (!entryType) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => resolve(PROTO_DIR, target);
    root.loadSync('switchyard/v1/decision_record.proto', { keepCase: false });
    entryType = root.lookupType('switchyard.v1.DecisionLogEntry');
  }
  return entryType;
}

export function encodeEntry(entry: DecisionLogEntry): Uint8Array {
  const t = type();
  return t.encode(t.fromObject(entry)).finish();
}

export function decodeEntry(bytes: Uint8Array): DecisionLogEntry__Output | undefined {
  try {
    const t = type();
    const out = t.toObject(t.decode(bytes), TO_OBJECT) as DecisionLogEntry__Output;
    if (out.record && out.record.version > RECORD_VERSION) return undefined;
    return out;
  } catch {
    return undefined;
  }
}
