#!/usr/bin/env bash
# Builds the Kafka Streams peer (tools/bench/kstreams) once and prints the
# classpath to run it with. Dependencies come from Maven Central through mvn
# and stay in ~/.m2; the jar and the classpath are kept in target/ and rebuilt
# only when pom.xml or a source file is newer, so a second run takes no time.
#
#   bash tools/bench/kstreams/build.sh   -> prints "<jar>:<dependency classpath>"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/inventory-kstreams.jar"
cp_file="$here/target/classpath.txt"
command -v mvn >/dev/null 2>&1 || { echo "kstreams build: mvn not found (Debian: apt-get install maven)" >&2; exit 1; }
if [ -f "$jar" ] && [ -f "$cp_file" ] && [ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]; then
  printf '%s:%s\n' "$jar" "$(cat "$cp_file")"
  exit 0
fi
echo "kstreams build: compiling the Kafka Streams peer (mvn package)" >&2
mvn -B -q -ntp -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
touch "$jar"
printf '%s:%s\n' "$jar" "$(cat "$cp_file")"
