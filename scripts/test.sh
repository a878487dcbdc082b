#!/usr/bin/env bash
# Runs every check: set-up (a no-op when done), lint, type check, build, and the whole test suite
# against real helm, kubectl, Redis, Gitea and a real kube-apiserver + etcd.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/start-redis.sh
npx biome ci .
npx tsc -p tsconfig.json --noEmit
npm run build --silent

report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@" || status=$?
# One plain closing line, whatever reads this log.
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
exit "$status"
