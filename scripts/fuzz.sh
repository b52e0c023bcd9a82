#!/usr/bin/env bash
# Fuzzes the parsers that read what users hand in (the call guide, indicator phrases, roster files,
# evidence values) with proptest, for longer than the test suite does: COOP_FUZZ_CASES cases per
# property (default 100,000; the suite runs a few hundred). A failure is shrunk to its smallest case
# and saved under proptest-regressions/, which is committed so that the case is tried on every run.
#
# Usage: scripts/fuzz.sh [cases]
set -euo pipefail
cd "$(dirname "$0")/.."
COOP_FUZZ_CASES="${1:-100000}" cargo test --release --lib fuzz_ -- --test-threads 2
