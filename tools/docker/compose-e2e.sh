#!/usr/bin/env bash
# `docker compose up`, executed for real: the default profile of
# docker-compose.yml on a real Docker engine, proved by an end-to-end test
# through the published ports, then removed with `down -v`. .ci/run calls it.
#
#   1. engine: tools/docker/engine.sh start (Debian's docker.io, compose built from the Go proxy)
#   2. base images: tools/docker/standins/build.sh (CI-only stand-ins, where no image registry is reachable;
#      skipped with EDA_STANDINS=false, e.g. on a machine that pulls the official images)
#   3. docker compose build, one image at a time (2 cores), then `up -d --build --wait`
#   4. the test: tools/compose-e2e (Jest; prints "Tests: N passed")
#   5. down -v, and the engine stopped again if this script started it
#
# Host ports default to 26xxx so the stack never meets the native stack's
# 9092, 8081, 9000 and 3000-3003; any EDA_*_PORT in the environment wins.
# EDA_COMPOSE_KEEP=true leaves the stack (and the engine) running afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
started_at=$SECONDS

export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-eda-compose-e2e}"
export EDA_KAFKA_PORT="${EDA_KAFKA_PORT:-26092}"
export EDA_REGISTRY_PORT="${EDA_REGISTRY_PORT:-26081}"
export EDA_DASHBOARD_PORT="${EDA_DASHBOARD_PORT:-26000}"
export EDA_SIMULATOR_PORT="${EDA_SIMULATOR_PORT:-26001}"
export EDA_AGGREGATOR_PORT="${EDA_AGGREGATOR_PORT:-26002}"
# The compose CLI falls back to the classic builder without buildx; say so once, not per image.
export DOCKER_CLI_HINTS=false

CORE_SERVICES=(kafka apicurio topics schemas store-simulator inventory-aggregator inventory-dashboard)
APP_IMAGES=(eda-blueprint/store-simulator:0.1.0 eda-blueprint/inventory-aggregator:0.1.0 eda-blueprint/inventory-dashboard:0.1.0 eda-blueprint/mq-bridge:0.1.0 eda-inventory/tools:dev)
compose=(docker compose -p "$COMPOSE_PROJECT_NAME")

phase() { printf '\n--- compose-e2e: %s (%ss)\n' "$*" "$((SECONDS - started_at))"; }
die() { printf 'compose-e2e: error: %s\n' "$*" >&2; exit 1; }

# Names each core service that is not healthy (init services: not exited 0), with its log tail.
report_unhealthy() {
  local service state health code bad=()
  while read -r service state health code; do
    case "$service" in
      topics | schemas)
        if [ "$state" = created ]; then
          bad+=("$service (not started: a service it depends on never became healthy)")
        elif [ "$state" != exited ] || [ "$code" != 0 ]; then
          bad+=("$service ($state, exit $code)")
        fi
        ;;
      *)
        if [ "$state" = created ]; then
          bad+=("$service (not started: a service it depends on never became healthy)")
        elif [ "$state" != running ] || [ "$health" != healthy ]; then
          bad+=("$service ($state, health: $health)")
        fi
        ;;
    esac
  done < <("${compose[@]}" ps --all --format '{{.Service}} {{.State}} {{if .Health}}{{.Health}}{{else}}-{{end}} {{.ExitCode}}' "${CORE_SERVICES[@]}")
  [ "${#bad[@]}" -gt 0 ] || bad=("none reported; see the compose output above")
  printf 'compose-e2e: unhealthy service: %s\n' "${bad[@]}" >&2
  for service in "${CORE_SERVICES[@]}"; do
    printf -- '--- last 30 log lines of %s ---\n' "$service" >&2
    "${compose[@]}" logs --no-color --tail 30 "$service" >&2 2>&1 || true
  done
}

engine_was_up=false
bash tools/docker/engine.sh status >/dev/null 2>&1 && engine_was_up=true
cleanup() {
  local status=$?
  if [ "${EDA_COMPOSE_KEEP:-}" != true ]; then
    phase "down -v"
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    [ "$engine_was_up" = true ] || bash tools/docker/engine.sh stop || true
  fi
  phase "done, exit $status"
  exit "$status"
}
trap cleanup EXIT

phase "engine"
bash tools/docker/engine.sh start
# Node 24 for the test (Jest, playwright-core), as everywhere else in the repo.
. tools/node/ensure-node.sh

if [ "${EDA_STANDINS:-true}" = true ]; then
  phase "stand-in base images (CI only; cached, rebuilt when their inputs change)"
  bash tools/docker/standins/build.sh
fi

phase "clean slate: down -v of any earlier run of project $COMPOSE_PROJECT_NAME"
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true

# One image at a time: parallel npm ci and Nx builds only thrash two cores.
for service in topics store-simulator inventory-aggregator inventory-dashboard; do
  phase "build $service"
  "${compose[@]}" build --quiet "$service" || die "docker compose build $service failed"
done

# The bridge (profile mq) without the IBM MQ client, which cannot be downloaded here: the image's
# build, user, healthcheck and start-up are checked; its queue manager image cannot be pulled.
phase "build mq-bridge (MQ_CLIENT=none)"
"${compose[@]}" --profile mq build --quiet --build-arg MQ_CLIENT=none mq-bridge ||
  die "docker compose build mq-bridge failed"

phase "up -d --build --wait (default profile)"
if ! "${compose[@]}" up -d --build --wait --wait-timeout 300; then
  report_unhealthy
  die "docker compose up --wait failed"
fi
"${compose[@]}" ps --all --format 'table {{.Service}}\t{{.State}}\t{{.Status}}'

phase "image sizes"
for image in "${APP_IMAGES[@]}" $(bash tools/docker/standins/build.sh --list); do
  docker image inspect --format '{{.Size}}' "$image" | awk -v i="$image" '{ printf "image %-45s %5.0f MB\n", i, $1 / 1e6 }'
done

phase "end-to-end test (tools/compose-e2e)"
npx jest -c tools/compose-e2e/jest.compose.config.cjs --runInBand --forceExit || {
  "${compose[@]}" ps --all >&2 || true
  die "the compose end-to-end test failed"
}
