#!/usr/bin/env bash
# The API against its own contract (issue 9): schemathesis, from PyPI into target/schemathesis,
# generates requests from the server's own /api/v1/openapi.json and sends them to a live server on a
# seeded demo database, as the demo staff account. Any 5xx, or a response whose body breaks the
# schema the document gives for its status, fails the run.
#
# Usage: scripts/api-contract.sh [--examples N]   (N generated cases per operation; default 20)
set -euo pipefail
cd "$(dirname "$0")/.."

examples=20
while [ $# -gt 0 ]; do
  case "$1" in
    --examples) examples="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

venv=target/schemathesis
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis>=4,<5"
fi

cargo build --quiet --bin coop-tracker
bin="${CARGO_TARGET_DIR:-target}/debug/coop-tracker"
data="$(mktemp -d)"
export COOP_DATA_DIR="$data" COOP_LOG=warn
unset COOP_DATABASE_URL DATABASE_URL
"$bin" demo seed --projects 30 --seed 1 --as-of 2026-11-22 >/dev/null
token="$("$bin" user token --email staff@coop.example --name contract | sed -n 's/^API token: //p')"

port=$((20000 + RANDOM % 20000))
"$bin" serve --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done

"$venv/bin/st" --no-color run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$examples" \
  --seed 1
