#!/usr/bin/env bash
# Starts a Redis server for the tests on 127.0.0.1:${ZAKENAK_TEST_REDIS_PORT:-6379} unless one answers there.
set -euo pipefail
port="${ZAKENAK_TEST_REDIS_PORT:-6379}"
if redis-cli -p "$port" ping >/dev/null 2>&1; then exit 0; fi
dir="${ZAKENAK_CACHE_DIR:-$HOME/.cache/zakenak}/redis-$port"
mkdir -p "$dir"
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
  --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" --save "" --appendonly no
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "start-redis: redis-server did not answer on port $port; see $dir/redis.log" >&2
exit 1
