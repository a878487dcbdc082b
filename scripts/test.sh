#!/usr/bin/env bash
# Runs every check: set-up (a no-op when done), lint, type check, build, and the whole test suite
# against real helm, kubectl, Redis and a real kube-apiserver + etcd.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/start-redis.sh
npx biome ci .
npx tsc -p tsconfig.json --noEmit
npm run build --silent
npx vitest run "$@"
