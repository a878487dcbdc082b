#!/usr/bin/env bash
# Builds the Zakenak container image from the repository's Dockerfile, as it is.
#
#   scripts/build-image.sh          # prints the image name on stdout
#
# With a running Docker engine: `docker build`. Otherwise: `buildah bud --isolation=chroot --layers
# --pull=never` on the base images that scripts/build-base-image.sh makes available (node, and golang for
# the render service's build stage; assembled locally where no registry can be reached). Layers and the
# Go caches are reused, so a rebuild after a source change only compiles the code again.
#
# Env: ZAKENAK_IMAGE (default zakenak:dev), ZAKENAK_IMAGE_SOURCE (the source URL label, default none),
#      those of scripts/build-base-image.sh, and Go's GOPROXY, GONOPROXY, GOPRIVATE, GOSUMDB, GONOSUMDB,
#      GOINSECURE and GOFLAGS, passed on to the render service's build when set.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-image] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

tag=${ZAKENAK_IMAGE:-zakenak:dev}
base=$(bash scripts/build-base-image.sh) || die "the base image is not available"
go_base=$(bash scripts/build-base-image.sh golang) || die "the Go image for the render service's build is not available"

version=$(node -p 'require("./package.json").version')
# The commit's own time, not the build's: rebuilding the same commit gives the same labels.
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
build_args=(
  --build-arg "NODE_IMAGE=$base"
  --build-arg "GO_IMAGE=$go_base"
  --build-arg "VERSION=$version"
  --build-arg "REVISION=$revision"
  --build-arg "CREATED=$created"
  --build-arg "SOURCE=${ZAKENAK_IMAGE_SOURCE:-}"
)
for name in GOPROXY GONOPROXY GOPRIVATE GOSUMDB GONOSUMDB GOINSECURE GOFLAGS; do
  if [[ -n "${!name:-}" ]]; then build_args+=(--build-arg "$name=${!name}"); fi
done

# A machine that reaches the npm registry through a TLS-intercepting proxy names the proxy's CA in npm's
# `cafile`; npm inside the build needs it as well. Go in the build trusts the CAs Go here trusts
# (SSL_CERT_FILE, else the system's bundle, where such a machine has the proxy's CA). buildah binds them
# into the RUN steps at /mnt (which every Debian image has, so no mount point is left behind): they never
# land in a layer.
mounts=()
ca_dir=$(mktemp -d)
trap 'rm -rf "$ca_dir"' EXIT
cafile=$(npm config get cafile 2>/dev/null || true)
if [[ -f "$cafile" ]]; then
  cp "$cafile" "$ca_dir/npm-ca.crt"
  mounts+=(--build-arg NPM_CONFIG_CAFILE=/mnt/npm-ca.crt)
fi
go_cafile=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
if [[ -f "$go_cafile" ]]; then
  cp "$go_cafile" "$ca_dir/go-ca.crt"
  mounts+=(--build-arg SSL_CERT_FILE=/mnt/go-ca.crt)
fi
if ((${#mounts[@]} > 0)); then mounts=(--volume "$ca_dir:/mnt:ro" "${mounts[@]}"); fi

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
