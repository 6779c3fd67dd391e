#!/usr/bin/env bash
# Benchmark: import of one real scanner snapshot (2025-12-31, 253 démarches) by the release
# binary, whole process included (start, migrations check, parse, validate, one transaction).
# Prints each run and the median. Target: under 0.5 s.
#   bash scripts/bench/import.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
cargo build --release --locked --bin observatoire >/dev/null 2>&1
bin=./target/release/observatoire
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
unset DATABASE_URL
$bin --db "$tmp/base.db" migrate >/dev/null
$bin --db "$tmp/base.db" edition create bench --name Bench --cutoff 2025-12-31 >/dev/null
times=()
for i in $(seq 1 "$runs"); do
  rm -f "$tmp"/run.db*
  for f in "$tmp"/base.db*; do cp "$f" "$tmp/run.db${f#$tmp/base.db}"; done
  start=$(date +%s%N)
  $bin --db "$tmp/run.db" import dashlord data/dashlord/2025-12-31 --edition bench >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "import d'un instantané réel (253 démarches), processus complet : médiane ${median} ms sur ${runs} essais (objectif < 500 ms)"
