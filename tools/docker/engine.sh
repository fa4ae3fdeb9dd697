#!/usr/bin/env bash
# A Docker engine and the compose CLI for CI, on machines that have neither.
#
#   engine.sh start    install what is missing, start dockerd unless an engine answers
#   engine.sh stop     stop the dockerd this script started (by pid), and nothing else
#   engine.sh status   one line; exits 1 when no engine answers
#
# What comes from where (the machines this repository is built on reach only
# package registries, no image registry and no download site):
#   - the engine: Debian's `docker.io` package (20.10.x, with containerd and
#     runc), installed with apt-get, as root;
#   - the compose CLI: github.com/docker/compose/v5 built from the Go module
#     proxy at COMPOSE_VERSION, cached in $EDA_DOCKER_CACHE/compose-<version>
#     and linked as a CLI plugin into ~/.docker/cli-plugins/docker-compose.
#     `go install` refuses that module (its go.mod has exclude directives), so
#     it is built inside a throwaway module.
# Both steps are skipped when already done: a second start costs a second.
#
#   EDA_DOCKER_CACHE   cache dir (default ~/.cache/eda-docker)
#   EDA_DOCKER_STATE   pid and log of the dockerd we start (default /run/eda-docker)
set -euo pipefail

COMPOSE_VERSION=v5.6.0
# Debian bookworm's docker.io; any 20.10 or newer engine will do.
DOCKER_MIN_MAJOR=20

CACHE="${EDA_DOCKER_CACHE:-$HOME/.cache/eda-docker}"
STATE="${EDA_DOCKER_STATE:-/run/eda-docker}"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
START_TIMEOUT="${EDA_DOCKER_START_TIMEOUT:-60}"

log() { printf 'engine: %s\n' "$*" >&2; }
die() { printf 'engine: error: %s\n' "$*" >&2; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

# The dockerd we started: its pid, only while that pid still runs dockerd.
# dockerd writes the file itself (--pidfile) and removes it on a clean exit;
# $! would name `setsid`, which forks when it is a process-group leader.
our_pid() {
  local pid
  [ -f "$STATE/dockerd.pid" ] || return 1
  pid="$(cat "$STATE/dockerd.pid")"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = dockerd ] || return 1
  echo "$pid"
}

install_engine() {
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 && return
  [ "$(id -u)" = 0 ] || die "no Docker engine here, and installing Debian's docker.io needs root (run as root, or install Docker yourself)"
  command -v apt-get >/dev/null 2>&1 || die "no Docker engine here, and no apt-get to install Debian's docker.io (install Docker yourself)"
  log "installing Debian's docker.io (engine, containerd, runc) with apt-get"
  apt-get update -qq || die "apt-get update failed: Debian's package mirror is unreachable"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null \
    || die "apt-get install docker.io failed (see the apt output above)"
}

install_compose() {
  local bin="$CACHE/compose-$COMPOSE_VERSION/docker-compose"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || die "the compose CLI is built from the Go module proxy, and go is not installed (Debian: apt-get install golang, or Go 1.24+)"
    log "building docker compose $COMPOSE_VERSION from the Go module proxy (first run only, a few minutes)"
    local work
    work="$(mktemp -d)"
    (
      cd "$work"
      go mod init eda.local/compose-build >/dev/null 2>&1
      go get "github.com/docker/compose/v5/cmd@$COMPOSE_VERSION" >/dev/null 2>&1
      CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
        -o "$work/docker-compose" github.com/docker/compose/v5/cmd
    ) || { rm -rf "$work"; die "building github.com/docker/compose/v5 $COMPOSE_VERSION failed; check Go module proxy access (GOPROXY)"; }
    mkdir -p "$(dirname "$bin")"
    mv "$work/docker-compose" "$bin"
    rm -rf "$work"
  fi
  mkdir -p "$PLUGIN_DIR"
  [ "$(readlink "$PLUGIN_DIR/docker-compose" 2>/dev/null)" = "$bin" ] || ln -sfn "$bin" "$PLUGIN_DIR/docker-compose"
  docker compose version >/dev/null 2>&1 || die "docker compose does not run from $PLUGIN_DIR/docker-compose"
}

start_dockerd() {
  mkdir -p "$STATE"
  log "starting dockerd (log: $STATE/dockerd.log)"
  rm -f "$STATE/dockerd.pid"
  # setsid: the daemon outlives this script and ignores the caller's terminal signals.
  setsid -f dockerd --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 </dev/null
  local waited=0
  until engine_answers; do
    # Give dockerd a few seconds to write its pid file before judging it dead.
    if [ "$waited" -ge 5 ] && ! our_pid >/dev/null; then
      tail -n 30 "$STATE/dockerd.log" >&2 || true
      die "dockerd exited at start (last lines of its log above)"
    fi
    [ "$waited" -lt "$START_TIMEOUT" ] || die "dockerd did not answer within ${START_TIMEOUT}s (log: $STATE/dockerd.log)"
    sleep 1
    waited=$((waited + 1))
  done
}

cmd_start() {
  install_engine
  if engine_answers; then
    if our_pid >/dev/null; then log "engine running (started by this script, pid $(our_pid))"; else log "engine already running (not ours: stop leaves it alone)"; fi
  else
    start_dockerd
  fi
  local server
  server="$(docker version --format '{{.Server.Version}}')"
  [ "${server%%.*}" -ge "$DOCKER_MIN_MAJOR" ] 2>/dev/null || die "Docker engine $server is older than $DOCKER_MIN_MAJOR.x"
  install_compose
  log "ready: engine $server, $(docker compose version --short 2>/dev/null | sed 's/^/compose /')"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$STATE/dockerd.pid"
    log "no dockerd started by this script is running"
    return
  fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local waited=0
  # Until it is gone or a zombie (a reaped-late child of init still answers kill -0).
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    [ "$waited" -lt 30 ] || { log "dockerd still running after 30s; sending SIGKILL"; kill -KILL "$pid" || true; break; }
    sleep 1
    waited=$((waited + 1))
  done
  rm -f "$STATE/dockerd.pid"
}

cmd_status() {
  if engine_answers; then
    local who="not started by this script"
    our_pid >/dev/null && who="started by this script, pid $(our_pid)"
    echo "engine: up, $(docker version --format '{{.Server.Version}}') ($who); compose: $(docker compose version --short 2>/dev/null || echo missing)"
  else
    echo "engine: down"
    return 1
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
