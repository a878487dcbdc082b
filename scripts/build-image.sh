#!/usr/bin/env bash
# Builds the Zakenak container image from the repository's Dockerfile, as it is.
#
#   scripts/build-image.sh          # prints the image name on stdout
#
# With a running Docker engine: `docker build`. Otherwise: `buildah bud --isolation=chroot --layers
# --pull=never` on the base image that scripts/build-base-image.sh makes available (assembled locally
# where no registry can be reached). Layers are reused, so a rebuild after a source change only
# compiles the code again.
#
# Env: ZAKENAK_IMAGE (default zakenak:dev), ZAKENAK_IMAGE_SOURCE (the source URL label, default none),
#      and those of scripts/build-base-image.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-image] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

tag=${ZAKENAK_IMAGE:-zakenak:dev}
base=$(bash scripts/build-base-image.sh) || die "the base image is not available"

version=$(node -p 'require("./package.json").version')
# The commit's own time, not the build's: rebuilding the same commit gives the same labels.
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
build_args=(
  --build-arg "NODE_IMAGE=$base"
  --build-arg "VERSION=$version"
  --build-arg "REVISION=$revision"
  --build-arg "CREATED=$created"
  --build-arg "SOURCE=${ZAKENAK_IMAGE_SOURCE:-}"
)

# A machine that reaches the npm registry through a TLS-intercepting proxy names the proxy's CA in npm's
# `cafile`; npm inside the build needs it as well. buildah binds it into the RUN steps at /mnt (which
# every Debian image has, so no mount point is left behind): it never lands in a layer.
mounts=()
cafile=$(npm config get cafile 2>/dev/null || true)
if [[ -f "$cafile" ]]; then
  ca_dir=$(mktemp -d)
  trap 'rm -rf "$ca_dir"' EXIT
  cp "$cafile" "$ca_dir/npm-ca.crt"
  mounts=(--volume "$ca_dir:/mnt:ro" --build-arg NPM_CONFIG_CAFILE=/mnt/npm-ca.crt)
fi

started=$SECONDS
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  log "docker build -t $tag"
  docker build "${build_args[@]}" -t "$tag" . >&2 || die "docker build failed"
else
  command -v buildah >/dev/null || die "neither a Docker engine nor buildah is available (scripts/setup.sh installs buildah)"
  log "buildah bud -t $tag (on $base)"
  buildah bud --pull=never --isolation=chroot --layers --force-rm "${build_args[@]}" "${mounts[@]}" -t "$tag" . >&2 ||
    die "buildah bud failed"
fi
log "built $tag in $((SECONDS - started))s"
printf '%s\n' "$tag"
