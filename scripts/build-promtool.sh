#!/usr/bin/env bash
# Builds Prometheus's promtool from its Go module into a version-keyed cache outside the clone, for the
# tests that check and unit-test the chart's alerting rules. No prebuilt binary can be downloaded here,
# only Go modules.
#
#   scripts/build-promtool.sh       # prints the cache directory (holding `promtool`) on stdout
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak), ZAKENAK_PROMTOOL_VERSION (default v0.316.0, the Go
# module version of Prometheus 3.x).
set -euo pipefail
# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"

log() { printf '[build-promtool] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

with_v() { case "$1" in v*) printf '%s' "$1" ;; *) printf 'v%s' "$1" ;; esac }

version=$(with_v "${ZAKENAK_PROMTOOL_VERSION:-v0.316.0}")
package=github.com/prometheus/prometheus/cmd/promtool
cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/promtool"
final_dir="$cache_root/$version"

command -v go >/dev/null || die "go is not on PATH"

build_ok() {
  [[ -x "$1/promtool" ]] && "$1/promtool" --version >/dev/null 2>&1
}

build_cache_reuse build_ok "$cache_root" "$final_dir"

build_cache_stage "$cache_root/.tmp-$version" zakenak-promtool-build

export GOTOOLCHAIN=local
# A static binary: promtool needs no C library, and the cache outlives system upgrades.
export CGO_ENABLED=0
# `go install PKG@VERSION` builds outside any module, so the clone's go.mod (if any) plays no part.
export GOBIN="$staging_dir"

started=$SECONDS
log "building $package@$version (this takes minutes the first time)"
go install "$package@$version" >&2 || die "go install $package@$version failed"

"$staging_dir/promtool" --version >&2 || die "promtool --version failed"
log "built in $((SECONDS - started))s"

build_cache_publish "$final_dir"
