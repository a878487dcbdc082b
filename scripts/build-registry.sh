#!/usr/bin/env bash
# Builds the CNCF distribution registry (the reference OCI registry) from its Go module into a
# version-keyed cache outside the clone, for the tests that pull charts and look up images in a real
# registry. No prebuilt binary can be downloaded here, only Go modules.
#
#   scripts/build-registry.sh       # prints the cache directory (holding `registry`) on stdout
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak), ZAKENAK_REGISTRY_VERSION (default v3.1.2).
set -euo pipefail
# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"

log() { printf '[build-registry] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

with_v() { case "$1" in v*) printf '%s' "$1" ;; *) printf 'v%s' "$1" ;; esac }

version=$(with_v "${ZAKENAK_REGISTRY_VERSION:-v3.1.2}")
package=github.com/distribution/distribution/v3/cmd/registry
cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/registry"
final_dir="$cache_root/$version"

command -v go >/dev/null || die "go is not on PATH"

build_ok() {
  [[ -x "$1/registry" ]] && "$1/registry" --version >/dev/null 2>&1
}

build_cache_reuse build_ok "$cache_root" "$final_dir"

build_cache_stage "$cache_root/.tmp-$version" zakenak-registry-build

export GOTOOLCHAIN=local
# A static binary: the registry needs no C library, and the cache outlives system upgrades.
export CGO_ENABLED=0
# `go install PKG@VERSION` builds outside any module, so the clone's go.mod (if any) plays no part.
export GOBIN="$staging_dir"

started=$SECONDS
log "building $package@$version (about a minute the first time)"
go install "$package@$version" >&2 || die "go install $package@$version failed"

"$staging_dir/registry" --version >&2 || die "registry --version failed"
log "built in $((SECONDS - started))s"

build_cache_publish "$final_dir"
