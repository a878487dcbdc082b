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

if build_ok "$final_dir"; then
  printf '%s\n' "$final_dir"
  exit 0
fi

mkdir -p "$cache_root"
# Two runs at once (a test run and a person) would both spend minutes building; the second waits instead.
if command -v flock >/dev/null; then
  exec 9>"$cache_root/.build.lock"
  if ! flock -n 9; then
    log "another build is running; waiting for it"
    flock 9
  fi
  if build_ok "$final_dir"; then
    printf '%s\n' "$final_dir"
    exit 0
  fi
  # Holding the lock, no other build is using these: they are what an interrupted build left.
  rm -rf "$cache_root"/.tmp-*
fi

# The staging dir sits beside the final one so the last step is a rename on one filesystem: an
# interrupted build never leaves a directory that looks complete.
staging_dir=$(mktemp -d "$cache_root/.tmp-$version.XXXXXX")
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/zakenak-gitea-build.XXXXXX")
cleanup() {
  # The copied source keeps the module cache's read-only modes, which would make rm fail.
  chmod -R u+w "$staging_dir" "$work_dir" 2>/dev/null || true
  rm -rf "$staging_dir" "$work_dir"
}
trap cleanup EXIT
# Turned into a normal exit so that the EXIT trap also cleans up after Ctrl-C or kill.
trap 'exit 130' INT
trap 'exit 143' TERM

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

rm -rf "$final_dir"
mv -T "$staging_dir" "$final_dir"
chmod 755 "$final_dir"
log "done"
printf '%s\n' "$final_dir"
