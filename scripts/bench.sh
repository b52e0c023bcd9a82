#!/usr/bin/env bash
# The benchmark suite of a release build against seeded portfolios (issue 8): for each backend and
# portfolio size it seeds (timed), starts `serve` five times (start-up to the first answered request),
# runs the HTTP load (wrk, 8 and 64 connections, checking statuses and a sample of bodies), times one
# project's acceptance report with its PDF and the portfolio report, reads the server's peak memory,
# times the overdue list's own SQL run directly in SQLite, and runs one real reminder sweep. Each
# result is a JSON file in benches/results/; scripts/bench_table.py then rewrites the table in docs/benchmarks.md.
#
# Usage: [BENCH_BIN=path] scripts/bench.sh [--sizes 1000,10000,100000] [--backends sqlite,postgres] [--seconds 10]
#        scripts/bench.sh --soak MINUTES [--sizes 10000] [--backends sqlite]
# --soak runs the soak test instead (issue 9): mixed reads and writes on 64 connections for that long
# (the overdue API on 24, the dashboard and a project page on 16 each, evidence submission on 8),
# reading the server's resident memory every 10 s; benches/results/soak-<backend>-<size>.json.
# PostgreSQL runs on the server at $BENCH_PG (default postgres://postgres@127.0.0.1:5432), in a
# database it creates and drops. Needs wrk (installed with apt-get when missing), curl, jq, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=1000,10000,100000
backends=sqlite,postgres
seconds=10
soak=0
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) soak="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --backends) backends="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
pg_server="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"

for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || apt-get install -y "$tool" >/dev/null
done
# BENCH_BIN measures another build (an earlier commit's binary, to compare) instead of this tree's.
bin="${BENCH_BIN:-target/release/coop-tracker}"
[ -n "${BENCH_BIN:-}" ] || cargo build --release --quiet
mkdir -p benches/results
as_of=2026-11-22
sweep_day=2026-11-23

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One wrk run printing request.lua's JSON line; the environment describes the request.
load() {
  local conns="$1" path="$2"
  wrk --threads 1 --connections "$conns" --duration "${seconds}s" --timeout 10s \
    --script benches/load/request.lua "http://127.0.0.1:$port$path" | tail -n 1
}

# Warm-up for 2 s (discarded), then one measured run per connection count: 1 is the latency one user
# sees, 8 and 64 are the server saturated (where latency is connections / throughput).
endpoint() {
  local name="$1" path="$2" conns
  seconds=2 load 8 "$path" >/dev/null
  for conns in $3; do
    local result
    result="$(load "$conns" "$path")"
    log "  $name @$conns: $result"
    echo "\"${name}_c$conns\": $result,"
  done
}

# The soak: four wrk runs at once for $soak minutes (64 connections in all), the server's RSS read
# every 10 s meanwhile. Zero errors and a flat memory curve are what it is for.
soak_one() {
  local backend="$1" projects="$2" code="$3" indicator="$4" staff_token="$5" pi_token="$6" cookie="$7" body="$8"
  local out="benches/results/soak-$backend-$projects.json" run_seconds=$(( soak * 60 )) dir
  dir="$(mktemp -d)"
  log "  soak: $soak min, 64 connections"
  seconds=$run_seconds
  LOAD_HEADER_1="Authorization: Bearer $staff_token" LOAD_EXPECT='"items":[{"project_code":' \
    load 24 "/api/v1/overdue?as_of=$as_of&limit=100" >"$dir/overdue" &
  local loads=($!)
  LOAD_HEADER_1="$cookie" LOAD_EXPECT='<h1' load 16 "/dashboard" >"$dir/dashboard" &
  loads+=($!)
  LOAD_HEADER_1="$cookie" LOAD_EXPECT="$code" load 16 "/projects/$code" >"$dir/project" &
  loads+=($!)
  LOAD_METHOD=POST LOAD_STATUS=201 LOAD_BODY_FILE="$body" LOAD_EXPECT='"evidence_ids":[' \
    LOAD_HEADER_1="Authorization: Bearer $pi_token" LOAD_HEADER_2="Content-Type: multipart/form-data; boundary=bench" \
    load 8 "/api/v1/indicators/$indicator/evidence" >"$dir/evidence" &
  loads+=($!)
  local rss=() elapsed=0
  while [ "$elapsed" -lt "$run_seconds" ]; do
    sleep 10
    elapsed=$(( elapsed + 10 ))
    rss+=("$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")")
  done
  # The loads only: a bare `wait` would wait for the server too.
  wait "${loads[@]}"
  log "  soak RSS (kB, every 10 s): ${rss[*]}"
  cat >"$out" <<EOF
{
  "backend": "$backend", "projects": $projects, "minutes": $soak,
  "date": "$(date -u +%F)", "commit": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes)",
  "overdue": $(cat "$dir/overdue"), "dashboard": $(cat "$dir/dashboard"), "project": $(cat "$dir/project"),
  "evidence": $(cat "$dir/evidence"),
  "rss_kb": [$(IFS=,; echo "${rss[*]}")]
}
EOF
  jq . "$out" >/dev/null
  rm -rf "$dir"
}

run_one() {
  local backend="$1" projects="$2"
  local data database_url="" pg_db=""
  data="$(mktemp -d)"
  pid=""
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  if [ "$backend" = postgres ]; then
    pg_db="coop_bench_$projects"
    psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db" >/dev/null
    database_url="$pg_server/$pg_db"
  fi
  # The report timings make 11 reports a run; the per-user limit on reports (10 a minute by
  # default) is a guard against abuse, not what is measured, so it is raised here.
  export COOP_DATA_DIR="$data" COOP_DATABASE_URL="$database_url" COOP_LOG=warn COOP_REPORTS_PER_MINUTE=1000
  [ -n "$database_url" ] || unset COOP_DATABASE_URL
  local out="benches/results/$backend-$projects.json"
  log "$backend, $projects projects"

  local t0 seed_ms seeded
  t0=$(now_ms)
  seeded="$("$bin" demo seed --projects "$projects" --seed 1 --as-of "$as_of" 2>/dev/null | tail -n 1)"
  seed_ms=$(( $(now_ms) - t0 ))
  log "  seeded in $seed_ms ms: $seeded"

  local staff_token pi_token
  staff_token="$("$bin" user add --email bench-staff@example.org --name Bench --role staff --token \
    | sed -n 's/^API token: //p')"
  pi_token="$("$bin" user token --email pi@coop.example --name bench | sed -n 's/^API token: //p')"

  port=$((20000 + RANDOM % 20000))
  local startups=()
  for run in 1 2 3 4 5; do
    t0=$(now_ms)
    "$bin" serve --bind "127.0.0.1:$port" >/dev/null 2>"$data/serve.log" &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.002; done
    startups+=($(( $(now_ms) - t0 )))
    if [ "$run" -lt 5 ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  log "  start-up (ms): ${startups[*]}"

  # A session of the demo staff account, for the pages.
  local jar="$data/cookies" csrf cookie
  csrf="$(curl -sf -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -n 1 | cut -d'"' -f4)"
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$csrf" \
    --data-urlencode "email=staff@coop.example" --data-urlencode "password=demo-password-2024" \
    "http://127.0.0.1:$port/login"
  cookie="Cookie: $(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar")"

  # Two projects of the demo PI: the first for the pages and the report, the last for the evidence
  # load (so that the thousands of reports it submits do not weigh on the other measurements).
  local code reported indicator
  code="$(curl -sf -H "Authorization: Bearer $pi_token" "http://127.0.0.1:$port/api/v1/projects" \
    | jq -r '[.[] | select(.state == "active")][0].code')"
  reported="$(curl -sf -H "Authorization: Bearer $pi_token" "http://127.0.0.1:$port/api/v1/projects" \
    | jq -r '[.[] | select(.state == "active")][-1].code')"
  indicator="$(curl -sf -H "Authorization: Bearer $pi_token" "http://127.0.0.1:$port/api/v1/projects/$reported/indicators" \
    | jq -r '[.[] | select(.op == ">=" or .op == ">")][0].id')"
  local body="$data/evidence.multipart"
  printf -- '--bench\r\nContent-Disposition: form-data; name="value"\r\n\r\n1\r\n--bench\r\nContent-Disposition: form-data; name="measured_on"\r\n\r\n%s\r\n--bench\r\nContent-Disposition: form-data; name="note"\r\n\r\nload test\r\n--bench--\r\n' \
    "$as_of" >"$body"
  log "  project page and report: $code; evidence: indicator $indicator of $reported"
  if [ "$soak" != 0 ]; then
    soak_one "$backend" "$projects" "$code" "$indicator" "$staff_token" "$pi_token" "$cookie" "$body"
    kill "$pid" 2>/dev/null || true
    rm -rf "$data"
    if [ -n "$pg_db" ]; then psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null; fi
    return
  fi

  local loads
  loads="$(
    LOAD_HEADER_1="Authorization: Bearer $staff_token" LOAD_EXPECT='"items":[{"project_code":' \
      endpoint overdue "/api/v1/overdue?as_of=$as_of&limit=100" "1 8 64"
    LOAD_HEADER_1="$cookie" LOAD_EXPECT='<h1' endpoint dashboard "/dashboard" "1 8 64"
    LOAD_HEADER_1="$cookie" LOAD_EXPECT="$code" endpoint project "/projects/$code" "1 8 64"
    LOAD_METHOD=POST LOAD_STATUS=201 LOAD_BODY_FILE="$body" LOAD_EXPECT='"evidence_ids":[' \
      LOAD_HEADER_1="Authorization: Bearer $pi_token" LOAD_HEADER_2="Content-Type: multipart/form-data; boundary=bench" \
      endpoint evidence "/api/v1/indicators/$indicator/evidence" "8 64"
  )"

  # Peak memory under the HTTP load, before any PDF is made (typst's fonts and caches come after).
  local http_peak
  http_peak="$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")"
  log "  peak resident memory after the HTTP load: $http_peak kB"

  # One project's acceptance report with its PDF, made by the running server: 2 warm-up runs, then 9.
  local report_ms=()
  for run in $(seq 1 11); do
    t0=$(date +%s%N)
    curl -sf -b "$jar" -o "$data/report.pdf" \
      "http://127.0.0.1:$port/projects/$code/reports/generate?kind=acceptance&as_of=$as_of&format=pdf"
    [ "$run" -gt 2 ] && report_ms+=("$(( ($(date +%s%N) - t0) / 1000 ))")
  done
  head -c 5 "$data/report.pdf" | grep -q '%PDF-'
  local report_median
  report_median="$(printf '%s\n' "${report_ms[@]}" | median)"
  log "  acceptance report with PDF: median $report_median us"

  local peak anon
  peak="$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")"
  anon="$(awk '/RssAnon/ { print $2 }' "/proc/$pid/status")"
  log "  peak resident memory after the reports: $peak kB (heap now: $anon kB)"
  kill "$pid"; wait "$pid" 2>/dev/null || true

  local raw_sql=null
  if [ "$backend" = sqlite ]; then
    raw_sql="$(python3 scripts/bench_table.py raw-sql "$data/coop-tracker.sqlite3" "$as_of")"
    log "  overdue list's SQL run directly: $raw_sql"
  fi

  # A failure here is recorded (null) rather than ending the whole run.
  local portfolio_ms=null
  t0=$(now_ms)
  if "$bin" report portfolio --as-of "$as_of" --out "$data/reports" >/dev/null 2>"$data/portfolio.log"; then
    portfolio_ms=$(( $(now_ms) - t0 ))
  else
    log "  portfolio report FAILED: $(tail -n 3 "$data/portfolio.log")"
  fi
  log "  portfolio report (CLI, HTML and PDF): $portfolio_ms ms"

  local sweep
  sweep="$("$bin" remind run --as-of "$sweep_day" --json | jq -c '{messages: (.messages | length), seconds}')"
  log "  reminder sweep: $sweep"

  cat >"$out" <<EOF
{
  "backend": "$backend", "projects": $projects,
  "date": "$(date -u +%F)", "commit": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!benches/results' ':!docs/benchmarks.md' || echo +changes)",
  "machine": "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)",
  "seeded": $(jq -Rn --arg s "$seeded" '$s'), "seed_ms": $seed_ms,
  "startup_ms": [$(IFS=,; echo "${startups[*]}")],
  $loads
  "acceptance_report_us": $report_median,
  "portfolio_report_ms": $portfolio_ms,
  "http_peak_rss_kb": $http_peak, "peak_rss_kb": $peak, "anon_rss_kb": $anon,
  "overdue_raw_sql": $raw_sql,
  "sweep": $sweep
}
EOF
  jq . "$out" >/dev/null
  kill "$pid" 2>/dev/null || true
  rm -rf "$data"
  if [ -n "$pg_db" ]; then psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null; fi
}

for backend in ${backends//,/ }; do
  for projects in ${sizes//,/ }; do
    run_one "$backend" "$projects"
  done
done
python3 scripts/bench_table.py table
