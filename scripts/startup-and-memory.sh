#!/usr/bin/env bash
# Start-up time and resident memory of a release build on a seeded portfolio (issue 8's budgets:
# first answered request under 300 ms with an up-to-date database; under 100 MB resident at 10,000
# projects). Usage: scripts/startup-and-memory.sh [PROJECTS] (default 10000). Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
projects="${1:-10000}"
bin=target/release/coop-tracker
[ -x "$bin" ] || cargo build --release
data="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export COOP_LOG=warn
"$bin" --data-dir "$data" demo seed --projects "$projects" --as-of 2026-11-22 >/dev/null 2>&1
token="$("$bin" --data-dir "$data" user add --email bench@example.org --name Bench --role staff --token \
  | sed -n 's/^API token: //p')"
port=$((20000 + RANDOM % 20000))

# Start-up to the first answered request, five times (the database is migrated and seeded already).
for run in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.002; done
  end=$(date +%s%N)
  echo "start-up run $run: $(( (end - start) / 1000000 )) ms"
  if [ "$run" -lt 5 ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
done

# Resident memory after 2,000 requests to the overdue list and 200 project pages.
for _ in $(seq 1 2000); do
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/overdue?limit=100" >/dev/null
done
# `head` closes the pipe early on purpose; that is not a failure.
codes=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/projects" \
  | grep -o '"code":"[^"]*"' | cut -d'"' -f4 | head -200 || true)
for code in $codes; do
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/projects/$code" >/dev/null
done
echo "requests answered: 2000 overdue lists, $(echo "$codes" | wc -w) project reports"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | sed 's/^/after load, /'
