#!/usr/bin/env bash
# Installs the Debian packages that tests and benchmarks need, when they are missing:
# nats-server (bus tests) and h2load from nghttp2-client (gRPC load generation).
set -euo pipefail
need=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
