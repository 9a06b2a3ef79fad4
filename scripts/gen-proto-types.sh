#!/usr/bin/env bash
# Generates TypeScript types for the protos into services/generated/ (not committed), with
# import paths that Node's ESM resolution accepts.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf services/generated
npx proto-loader-gen-types switchyard/v1/router_service.proto switchyard/v1/executor_service.proto switchyard/v1/bus.proto \
  --longs=Number --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js \
  --outDir=services/generated -I proto 2>&1 | grep -v '^WARNING: This tool is in alpha' || true
find services/generated -name '*.ts' -exec sed -i -E "s#(from '\.{1,2}/[^']*)';#\1.js';#" {} +
test -f services/generated/router_service.ts
