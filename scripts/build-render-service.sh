#!/usr/bin/env bash
# Builds the render service (render-service/: Helm charts rendered on the Helm library in one long-lived
# process) into a cache outside the clone, keyed by a hash of its go.mod, go.sum and sources, so an
# unchanged service is never rebuilt.
#
#   scripts/build-render-service.sh                 # prints the cache directory (holding `render-service`) on stdout
#   scripts/build-render-service.sh --output PATH   # builds PATH instead, uncached (the Dockerfile does this)
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak).
set -euo pipefail

log() { printf '[build-render-service] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

output=
case "${1:-}" in
  "") ;;
  --output)
    [[ -n "${2:-}" ]] || die "--output needs the path of the binary to write"
    output=$(realpath -m -- "$2")
    ;;
  *) die "unknown argument '$1' (usage: build-render-service.sh [--output PATH])" ;;
esac

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../render-service" && pwd)"
command -v go >/dev/null || die "go is not on PATH"
[[ -f "$source_dir/go.mod" && -f "$source_dir/go.sum" ]] || die "no go.mod/go.sum in $source_dir"

# Templates can read .Capabilities.HelmVersion: the library is stamped as the helm binary of the same
# release is, with the commit of that release's tag.
helm_version=v4.1.4
helm_commit=05fa37973dc9e42b76e1d2883494c87174b6074f
grep -q "helm.sh/helm/v4 $helm_version\$" "$source_dir/go.mod" ||
  die "go.mod does not require helm.sh/helm/v4 $helm_version: update helm_version and helm_commit here"

# The one place the binary's flags are set, for the cache and the container image alike. Stripped: the
# binary ships in the container image, and symbols are a third of its size.
compile() {
  local binary=$1 started=$SECONDS
  export GOTOOLCHAIN=local CGO_ENABLED=0
  log "fetching modules"
  (cd "$source_dir" && go mod download >&2) || die "go mod download in $source_dir failed"
  log "compiling (a few minutes the first time)"
  (cd "$source_dir" && go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.gitCommit=$helm_commit -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
    -o "$binary" . >&2) ||
    die "go build in $source_dir failed"
  "$binary" --version >&2 || die "render-service --version failed"
  log "built in $((SECONDS - started))s"
}

if [[ -n "$output" ]]; then
  mkdir -p "$(dirname "$output")"
  compile "$output"
  printf '%s\n' "$output"
  exit 0
fi

# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"

# The same hash the TypeScript client computes (src/planning/render/render-service-path.ts): sha256 over
# go.mod, go.sum, the .go files in name order and this script (its flags shape the binary), each as
# "name\0content\0"; first 16 hex digits.
script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build-render-service.sh"
key=$(cd "$source_dir" && for f in go.mod go.sum $(LC_ALL=C ls -1 -- *.go) "$script"; do
  printf '%s\0' "$(basename "$f")"
  cat -- "$f"
  printf '\0'
done | sha256sum | cut -c1-16)

cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/render-service"
final_dir="$cache_root/$key"

build_ok() { [[ -x "$1/render-service" ]] && "$1/render-service" --version >/dev/null 2>&1; }

build_cache_reuse build_ok "$cache_root" "$final_dir"

build_cache_stage "$cache_root/.tmp-$key" zakenak-render-service-build

compile "$staging_dir/render-service"

build_cache_publish "$final_dir"
