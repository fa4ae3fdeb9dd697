#!/bin/bash
# Runs a Kafka class with the jars in /opt/kafka/libs, honouring the variables
# of Kafka's own kafka-run-class.sh: KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS (the distribution's script, which is not on Maven
# Central, does much more: JMX, GC logs, classpath variants).
set -e
base="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "USAGE: $0 classname [opts]" >&2; exit 1; }
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}"
# shellcheck disable=SC2086 # the *_OPTS variables hold several options
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_LOG4J_OPTS $KAFKA_OPTS -cp "$base/libs/*" "$@"
