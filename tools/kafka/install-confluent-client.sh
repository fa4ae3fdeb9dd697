#!/usr/bin/env bash
# Builds Confluent's Kafka client (@confluentinc/kafka-javascript, librdkafka
# inside) once into a cache directory, for KAFKA_CLIENT_LIBRARY=confluent and
# the client comparison in `npm run bench`.
#
# Why not a workspace dependency: its install downloads a prebuilt binary
# from GitHub, which these machines cannot reach, and falls back to compiling
# librdkafka (minutes on 2 cores). Keeping it out of package-lock.json keeps
# `npm ci` fast for everyone who stays on kafkajs, the default.
#
# The build links the system's OpenSSL and zlib (CKJS_LINKING=dynamic), since
# the static build would download their sources. The directory name carries
# the Node ABI, because the addon only loads in the Node it was built for.
#
# Env: EDA_CONFLUENT_CLIENT_DIR (default ~/.cache/eda-confluent/<version>-abi<N>).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(node -p "require('$here/confluent-client/package.json').dependencies['@confluentinc/kafka-javascript']")"
abi="$(node -p 'process.versions.modules')"
dir="${EDA_CONFLUENT_CLIENT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/eda-confluent/${version}-abi${abi}}"

loads() {
  node -e "require(require.resolve('@confluentinc/kafka-javascript', { paths: ['$dir'] }))" >/dev/null 2>&1
}

if loads; then
  echo "confluent-client: @confluentinc/kafka-javascript ${version} already built in ${dir}"
  exit 0
fi

missing=()
for tool in gcc g++ make python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -f /usr/include/openssl/ssl.h ]] || missing+=("libssl-dev")
[[ -f /usr/include/zlib.h ]] || missing+=("zlib1g-dev")
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "confluent-client: installing build prerequisites: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential python3 libssl-dev zlib1g-dev >/dev/null
  else
    echo "confluent-client: missing ${missing[*]}; install them (Debian: build-essential python3 libssl-dev zlib1g-dev)" >&2
    exit 1
  fi
fi

node_dir="$(dirname "$(dirname "$(command -v node)")")"
if [[ ! -f "$node_dir/include/node/node.h" ]]; then
  echo "confluent-client: no Node headers under $node_dir/include/node (node-gyp would download them; this machine cannot)" >&2
  exit 1
fi

echo "confluent-client: building @confluentinc/kafka-javascript ${version} (librdkafka) into ${dir}; this takes a few minutes"
mkdir -p "$dir"
cp "$here/confluent-client/package.json" "$here/confluent-client/package-lock.json" "$dir/"
if ! (cd "$dir" && CKJS_LINKING=dynamic npm_config_nodedir="$node_dir" \
  npm ci --no-audit --no-fund --foreground-scripts >"$dir/build.log" 2>&1); then
  tail -40 "$dir/build.log" >&2
  echo "confluent-client: build failed; full log in $dir/build.log" >&2
  exit 1
fi
loads || { echo "confluent-client: built, but it does not load; see $dir/build.log" >&2; exit 1; }
echo "confluent-client: ready in ${dir}"
