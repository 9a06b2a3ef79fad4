/**
 * Server reflection from the descriptors that `buf build` makes of proto/ at build time
 * (`make build` writes build/switchyard.binpb), not from what proto-loader derives: those keep
 * the protos' own field names (snake_case, with their JSON names) and valid map entries, which
 * grpcurl and `buf curl` need to describe a service and encode a JSON request.
 */
import { ReflectionService } from '@grpc/reflection';
import type { PackageDefinition } from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { PACKAGE_ROOT } from '../config/load-config.js';

export const DESCRIPTOR_SET_PATH = resolve(PACKAGE_ROOT, 'build/switchyard.binpb');

/** The encoded FileDescriptorProto of each file in the build's descriptor set. */
export function builtFileDescriptors(path = DESCRIPTOR_SET_PATH): Uint8Array[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the proto descriptor set ${path} (run \`make build\`): ${(e as Error).message}`);
  }
  const set = descriptor.FileDescriptorSet.decode(bytes) as unknown as { file: object[] };
  return set.file.map((file) => descriptor.FileDescriptorProto.encode(file).finish());
}

/** Reflection (v1 and v1alpha) that lists and describes only `services`, fully qualified. */
export function reflectionService(services: string[], path = DESCRIPTOR_SET_PATH): ReflectionService {
  // @grpc/reflection reads only `fileDescriptorProtos` from the package definition it is given.
  const definition = { 'switchyard.v1': { fileDescriptorProtos: builtFileDescriptors(path) } } as unknown as PackageDefinition;
  return new ReflectionService(definition, { services });
}
