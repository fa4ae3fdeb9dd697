#!/bin/bash
# The part of the UBI OpenJDK images' run-java.sh that the Apicurio image
# relies on: heap sized from the container's memory (JAVA_MAX_RAM_RATIO,
# default 50 %, as there), then JAVA_OPTS and JAVA_OPTS_APPEND, then
# `-jar $JAVA_APP_JAR`, exec'd so the JVM is PID 1 and gets SIGTERM.
set -euo pipefail
: "${JAVA_APP_JAR:?JAVA_APP_JAR must name the application jar}"
# shellcheck disable=SC2086 # JAVA_OPTS* hold several options
exec java -XX:MaxRAMPercentage="${JAVA_MAX_RAM_RATIO:-50}" -XX:+ExitOnOutOfMemoryError \
  ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar "$JAVA_APP_JAR" "$@"
