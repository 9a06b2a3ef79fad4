/** Loads the switchyard.v1 protos once, with the options every server and client here uses. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/load-config.js';
import type { ProtoGrpcType } from '../../generated/router_service.js';

export const PROTO_DIR = resolve(PACKAGE_ROOT, 'proto');
export const PROTO_FILES = ['switchyard/v1/router_service.proto', 'switchyard/v1/executor_service.proto', 'switchyard/v1/bus.proto'];

/** Proto3 JSON field names (lowerCamelCase), enums by name, 64-bit integers as numbers. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let cached: { definition: protoLoader.PackageDefinition; grpcObject: ProtoGrpcType } | undefined;

export function switchyardProto(): { definition: protoLoader.PackageDefinition; grpcObject: ProtoGrpcType } {
  if (!cached) {
    const definition = protoLoader.loadSync(PROTO_FILES, LOADER_OPTIONS);
    cached = { definition, grpcObject: grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType };
  }
  return cached;
}
