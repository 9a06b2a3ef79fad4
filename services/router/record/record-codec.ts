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

let loaded: protobuf.Root | undefined;
let entryType: protobuf.Type | undefined;

function root(): protobuf.Root {
  if (!loaded) {
    loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) => resolve(PROTO_DIR, target);
    loaded.loadSync('switchyard/v1/decision_record.proto', { keepCase: false });
  }
  return loaded;
}

function type(): protobuf.Type {
  entryType ??= root().lookupType('switchyard.v1.DecisionLogEntry');
  return entryType;
}

/** An enum of the decision record's protos (or those it imports): number by value name. */
export function enumValues(name: string): Record<string, number> {
  return root().lookupEnum(name).values;
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
