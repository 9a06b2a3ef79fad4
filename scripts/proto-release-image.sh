#!/usr/bin/env bash
# Writes the descriptor image of a released API, built from the protos at that release's tag:
#
#   scripts/proto-release-image.sh v0.1.0     # -> proto-releases/v0.1.0.binpb
#
# `buf breaking` checks proto/ against the newest committed image (test/proto/), so the check
# works in a clone that has no tags. Run this when a release is tagged, and commit the image.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:?usage: scripts/proto-release-image.sh TAG}"
git rev-parse -q --verify "refs/tags/$tag" >/dev/null || { echo "proto-release-image: no tag $tag (git fetch --tags)" >&2; exit 1; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
git archive "$tag" proto buf.yaml | tar -x -C "$tree"
mkdir -p proto-releases
# No source info: the image is compared by structure, and comments may change freely.
npx --no-install buf build "$tree" --exclude-source-info -o "proto-releases/$tag.binpb"
echo "proto-release-image: wrote proto-releases/$tag.binpb"
