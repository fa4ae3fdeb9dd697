#!/usr/bin/env bash
# The trace test (tools/trace-e2e): builds Jaeger v2 if it is not cached
# (tools/tracing/install-jaeger.sh), then runs the test against the native
# stack, which must be up (`./dev start`, or CI's stack step), and the Jaeger
# the test starts on free ports. Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

JAEGER_BIN="$(bash tools/tracing/install-jaeger.sh | tail -n1)"
export JAEGER_BIN
exec npx jest -c tools/trace-e2e/jest.trace.config.cjs "$@"
