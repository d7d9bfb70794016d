#!/usr/bin/env bash
# Run the end-to-end tests (pytest -m adb) N times in a row and stop at the first failure: the
# flakiness check of issue 14. Each run's summary line and wall time go to stdout and the full
# output of each run to bench/results/e2e-run-K.log.
#   bench/repeat_e2e.sh [N=20] [extra pytest args...]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
shift || true
mkdir -p bench/results
start_all=$(date +%s)
for k in $(seq 1 "$runs"); do
  start=$(date +%s)
  .venv/bin/python -m pytest -q -p no:cacheprovider -m adb "$@" > "bench/results/e2e-run-$k.log" 2>&1
  rc=$?
  summary=$(tail -n 1 "bench/results/e2e-run-$k.log")
  echo "run $k/$runs: exit $rc, $(( $(date +%s) - start )) s, load $(cut -d' ' -f1 /proc/loadavg): $summary"
  if [ "$rc" -ne 0 ]; then
    echo "stopped at the first failing run; see bench/results/e2e-run-$k.log"
    exit "$rc"
  fi
done
echo "all $runs runs passed in $(( $(date +%s) - start_all )) s"
