#!/usr/bin/env bash
# Builds a Gitea server from its Go module into a version-keyed cache outside the clone, for the tests that
# need a real Git forge. No prebuilt binary can be downloaded here, only Go modules.
#
#   scripts/build-gitea.sh          # prints the cache directory on stdout
#
# The directory holds the `gitea` binary and the options/, templates/ and public/ trees of its source:
# built without the `bindata` tag, Gitea reads them from disk at run time (STATIC_ROOT_PATH).
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak), ZAKENAK_GITEA_VERSION (default v1.26.0).
set -euo pipefail
# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"

log() { printf '[build-gitea] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

with_v() { case "$1" in v*) printf '%s' "$1" ;; *) printf 'v%s' "$1" ;; esac }

version=$(with_v "${ZAKENAK_GITEA_VERSION:-v1.26.0}")
module=code.gitea.io/gitea
cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/gitea"
final_dir="$cache_root/$version"

command -v go >/dev/null || die "go is not on PATH"

build_ok() {
  [[ -x "$1/gitea" && -d "$1/options" && -d "$1/templates" && -d "$1/public" ]] &&
    "$1/gitea" --version >/dev/null 2>&1
}

build_cache_reuse build_ok "$cache_root" "$final_dir"

build_cache_stage "$cache_root/.tmp-$version" zakenak-gitea-build

export GOTOOLCHAIN=local
# SQLite (the only database the tests need) is a cgo driver in Gitea.
export CGO_ENABLED=1
command -v "${CC:-cc}" >/dev/null || die "a C compiler is needed for Gitea's SQLite driver (CGO_ENABLED=1)"

started=$SECONDS
log "resolving $module@$version"
json=$(go mod download -json "$module@$version") || die "go mod download $module@$version failed"
source_dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")
[[ -d "$source_dir" ]] || die "no source directory for $module@$version"

# The module cache is read-only, and the build (go.sum updates, generated files) needs to write.
src="$work_dir/gitea"
cp -R "$source_dir" "$src"
chmod -R u+w "$src"

log "fetching dependencies"
(cd "$src" && go mod download >&2) || die "go mod download (dependencies of $module@$version) failed"

log "compiling (this takes minutes)"
(cd "$src" && go build -tags 'sqlite sqlite_unlock_notify' -ldflags "-X main.Version=${version#v}" \
  -o "$staging_dir/gitea" . >&2) || die "go build $module@$version failed"

for tree in options templates public; do
  [[ -d "$src/$tree" ]] || die "$module@$version has no $tree/ directory"
  cp -R "$src/$tree" "$staging_dir/$tree"
done
# The web UI's compiled assets (public/assets) come from an npm build that the Go module does not ship;
# the REST API the tests use does not need them.
[[ -d "$staging_dir/public/assets" ]] || log "note: public/assets is absent (no front-end build); the API works"

"$staging_dir/gitea" --version >&2 || die "gitea --version failed"
log "built in $((SECONDS - started))s"

build_cache_publish "$final_dir"
