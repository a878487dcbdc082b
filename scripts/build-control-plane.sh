#!/usr/bin/env bash
# Builds kube-apiserver and etcd from Go modules into a version-keyed cache outside the clone, for the
# tests and for `npm run control-plane`. No prebuilt binary can be downloaded here, only Go modules.
#
#   scripts/build-control-plane.sh          # prints the cache directory on stdout
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak), ZAKENAK_K8S_VERSION (default v1.36.3),
#      ZAKENAK_ETCD_VERSION (default v3.6.16).
set -euo pipefail
# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"

log() { printf '[build-control-plane] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

with_v() { case "$1" in v*) printf '%s' "$1" ;; *) printf 'v%s' "$1" ;; esac }

k8s_version=$(with_v "${ZAKENAK_K8S_VERSION:-v1.36.3}")
etcd_version=$(with_v "${ZAKENAK_ETCD_VERSION:-v3.6.16}")
cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/control-plane"
final_dir="$cache_root/k8s-$k8s_version-etcd-$etcd_version"

command -v go >/dev/null || die "go is not on PATH"

binaries_ok() {
  [[ -x "$1/kube-apiserver" && -x "$1/etcd" ]] &&
    "$1/kube-apiserver" --version >/dev/null 2>&1 &&
    "$1/etcd" --version >/dev/null 2>&1
}

build_cache_reuse binaries_ok "$cache_root" "$final_dir"

build_cache_stage "$cache_root/.tmp-k8s-$k8s_version-etcd-$etcd_version" zakenak-control-plane-build

export GOTOOLCHAIN=local
# Static binaries: no C toolchain needed, and they match how upstream ships kube-apiserver.
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"

# Paths of the modules that a go.mod replaces with a local directory (`X => ./dir` or `X => ../dir`),
# i.e. the ones that only resolve inside that project's own repository.
local_replaced_modules() {
  go mod edit -print "$1" | awk '
    /^replace[ \t]*\($/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { line = $0 }
    !block && /^replace[ \t]/ { line = $0; sub(/^replace[ \t]+/, "", line) }
    line != "" {
      sub(/^[ \t]+/, "", line)
      n = split(line, f, /[ \t]+/)
      for (i = 1; i <= n; i++) if (f[i] == "=>") break
      target = f[i + 1]
      if (f[1] != "" && target ~ /^\.\.?\// && target !~ /FORBIDDEN/) print f[1]
      line = ""
    }'
}

gomod_of() {
  local json
  json=$(go mod download -json "$1") || die "go mod download $1 failed"
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$json"
}

# build_binary NAME MODULE VERSION PACKAGE STAGING_VERSION LDFLAGS
# A wrapper module requires MODULE@VERSION and points every module that MODULE's go.mod replaces with a
# local directory at its published version, which `go install pkg@version` refuses to do by itself.
build_binary() {
  local name=$1 module=$2 version=$3 package=$4 staging_version=$5 ldflags=$6
  local started=$SECONDS wrapper="$work_dir/$name" gomod replaced
  log "$name: resolving $module@$version"
  gomod=$(gomod_of "$module@$version")
  [[ -f "$gomod" ]] || die "no go.mod for $module@$version"
  replaced=$(local_replaced_modules "$gomod")
  mkdir -p "$wrapper"
  {
    printf 'module zakenak.local/build/%s\n\ngo %s\n\nrequire %s %s\n\n' \
      "$name" "$(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/')" "$module" "$version"
    local m
    for m in $replaced; do
      local v=$staging_version
      # A module path ending in /vN only accepts vN.x versions.
      if [[ "$m" =~ /v([0-9]+)$ && "${v#v}" != "${BASH_REMATCH[1]}".* ]]; then
        die "$m cannot take version $v"
      fi
      printf 'replace %s => %s %s\n' "$m" "$m" "$v"
    done
  } >"$wrapper/go.mod"
  log "$name: $(wc -w <<<"$replaced") replace lines generated from $module's go.mod"
  log "$name: fetching dependencies"
  (cd "$wrapper" && go get "$package@$version" >&2) || die "go get $package@$version failed"
  log "$name: compiling (this can take minutes)"
  (cd "$wrapper" && go build -trimpath -ldflags "$ldflags" -o "$staging_dir/$name" "$package" >&2) ||
    die "go build $package failed"
  "$staging_dir/$name" --version >&2 || die "$name --version failed"
  log "$name: built in $((SECONDS - started))s"
}

k8s_minor_patch=${k8s_version#v1.}
k8s_minor=${k8s_minor_patch%%.*}
log "building into $final_dir"
build_binary etcd go.etcd.io/etcd/server/v3 "$etcd_version" go.etcd.io/etcd/server/v3 "$etcd_version" ""
build_binary kube-apiserver k8s.io/kubernetes "$k8s_version" k8s.io/kubernetes/cmd/kube-apiserver \
  "v0.$k8s_minor_patch" \
  "-X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"

build_cache_publish "$final_dir"
