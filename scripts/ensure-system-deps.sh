#!/usr/bin/env bash
# Installs the Debian packages that tests and benchmarks need, when they are missing:
# nats-server (bus tests), h2load from nghttp2-client (gRPC load generation) and chromium (the
# status page's test opens it headless, driven by playwright-core).
set -euo pipefail
need=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Client packages (test/clients): Debian's python3 with grpcio runs the Python example, and pip
# installs clients/python into a venv that sees them (venv, setuptools and wheel, no network);
# protoc and its gRPC plugins check that clients/python is up to date with proto/ (about 9 MB).
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || need+=(python3-grpcio)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
/usr/bin/python3 -c 'import setuptools' >/dev/null 2>&1 || need+=(python3-setuptools)
/usr/bin/python3 -c 'import wheel' >/dev/null 2>&1 || need+=(python3-wheel)
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null 2>&1 || need+=(protobuf-compiler-grpc)
# The Go module's tests and the Go stubs check run whenever Go is installed; only with
# SWITCHYARD_GO_CLIENT=1 are they installed: Go and grpc-go's sources are about 90 MB to fetch
# and 600 MB installed, so without it (and no Go) those tests say they were skipped.
if [ "${SWITCHYARD_GO_CLIENT:-}" = 1 ]; then
  command -v go >/dev/null 2>&1 || need+=(golang-go)
  command -v protoc-gen-go >/dev/null 2>&1 || need+=(protoc-gen-go)
  command -v protoc-gen-go-grpc >/dev/null 2>&1 || need+=(protoc-gen-go-grpc)
  [ -d /usr/share/gocode/src/google.golang.org/grpc ] || need+=(golang-google-grpc-dev)
  # golang/protobuf 1.3, which golang-google-grpc-dev also accepts, cannot marshal the stubs.
  [ -f /usr/share/gocode/src/github.com/golang/protobuf/proto/registry.go ] || need+=(golang-github-golang-protobuf-1-5-dev)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
