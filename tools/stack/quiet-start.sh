#!/usr/bin/env bash
# The newcomer's first command, executed and held to its promise: `./dev start`
# from a stopped stack must print no WARN or ERROR line (nor a Node warning)
# before "Apps are up". A newcomer reads each one as a failure. .ci/run runs it
# on a fresh clone (so the broker and registry start cold, when the group
# coordinator is still loading), then leaves the stack up for the tests.
#
#   bash tools/stack/quiet-start.sh [log file]
#
# Fails naming each noisy line. The demo apps are stopped afterwards (SIGINT,
# as Ctrl-C); the native stack stays up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
log="${1:-$(mktemp)}"
timeout_s="${EDA_QUIET_START_TIMEOUT_S:-600}"

if bash tools/stack/stack.sh status >/dev/null 2>&1; then
  echo "quiet-start: the native stack is already running; stop it first (./dev stop) for a cold start" >&2
  exit 2
fi

# Its own process group, so the demo and its apps stop together.
setsid ./dev start >"$log" 2>&1 &
pid=$!
started=$SECONDS
until grep -q '^Apps are up' "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log"
    echo "quiet-start: ./dev start exited before \"Apps are up\"" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$timeout_s" ]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    cat "$log"
    echo "quiet-start: no \"Apps are up\" within ${timeout_s}s" >&2
    exit 1
  fi
  sleep 2
done
echo "quiet-start: \"Apps are up\" after $((SECONDS - started))s"
kill -INT -- "-$pid" 2>/dev/null || true
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
kill -KILL -- "-$pid" 2>/dev/null || true

# JSON logs (pino: "level":"warn"; kafkajs' own console logger: "level":"WARN"), Node's
# process warnings, npm's, and plain WARN/ERROR words.
noisy="$(sed '/^Apps are up/q' "$log" |
  grep -E '"level":"(warn|error|fatal|WARN|ERROR)"|\(node:[0-9]+\) |Warning: |^npm (warn|error|ERR)|\b(WARN|ERROR)\b' || true)"
if [ -n "$noisy" ]; then
  echo "quiet-start: ./dev start printed these before \"Apps are up\":" >&2
  printf '%s\n' "$noisy" | cut -c1-400 >&2
  exit 1
fi
echo "quiet-start: no WARN or ERROR line before \"Apps are up\""
