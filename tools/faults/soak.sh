#!/usr/bin/env bash
# Soak mode of the fault suite: runs `npm run test:faults` (every project's
# *.fault-spec.ts against the dedicated fault stack) again and again, optionally
# with busy loops keeping the cores loaded, the condition under which the
# broker-crash defect of issue 12 showed. Stops at the first failing run.
#
#   FAULT_SOAK_RUNS=20 FAULT_SOAK_BUSY=4 bash tools/faults/soak.sh [nx run-many args...]
#   e.g. bash tools/faults/soak.sh -p @eda/inventory-aggregator
#
#   FAULT_SOAK_RUNS   runs (default 20)
#   FAULT_SOAK_BUSY   busy loops beside the suite (default 0; 4 on two cores = heavy load)
#
# The fault stack stays up between runs (EDA_STACK_KEEP=true) and is stopped at the end.
# Logs: tmp/fault-soak/run-N.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/node/ensure-node.sh

runs="${FAULT_SOAK_RUNS:-20}"
busy="${FAULT_SOAK_BUSY:-0}"
logs=tmp/fault-soak
mkdir -p "$logs"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  EDA_STACK_KEEP= npx tsx -e "import('./libs/testing/src/faults/fault-stack').then(async (m) => new m.FaultStack().down())" || true
}
trap cleanup EXIT
for _ in $(seq 1 "$busy"); do
  (while :; do :; done) &
  pids+=("$!")
done

passed=0
for run in $(seq 1 "$runs"); do
  started=$SECONDS
  if EDA_STACK_KEEP=true npx nx run-many -t fault --parallel=1 --outputStyle=stream "$@" >"$logs/run-$run.log" 2>&1; then
    passed=$((passed + 1))
    echo "soak: run $run passed in $((SECONDS - started))s (load $(cut -d' ' -f1 /proc/loadavg))"
  else
    echo "soak: run $run FAILED after $((SECONDS - started))s; see $logs/run-$run.log"
    grep -E '^\s+●|last mismatch|\[fault\]' "$logs/run-$run.log" | head -20 || true
    echo "soak: $passed of $run runs passed"
    exit 1
  fi
done
echo "soak: $passed of $runs runs passed (busy loops: $busy)"
