#!/usr/bin/env bash
# Browser tests: builds the demo database, serves it on a free loopback port, runs the
# axe-core / keyboard / layout checks of tests/browser/run.mjs on every page type, stops.
#   bash scripts/browser-test.sh [--screenshots DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --bin observatoire
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
env -u DATABASE_URL ./target/debug/observatoire demo --db "$tmp/demo.db" --listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$port/sante" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$tmp/server.log"; exit 1; fi
  sleep 0.2
done
node tests/browser/run.mjs --base "http://127.0.0.1:$port" --pages tests/browser/pages.json "$@"
