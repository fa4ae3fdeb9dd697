#!/usr/bin/env bash
# Builds Jaeger v2 (the trace backend the trace test exports to and queries) from
# the Go module proxy, pinned by tools/tracing/jaeger/go.mod and go.sum (a `tool`
# directive: every module of the build is fixed there, not only Jaeger's).
#
# Idempotent and cached: the binary lives in <bin>/jaeger-<version>-<go.sum hash>,
# so a second run only checks that the file exists (a changed go.sum builds anew).
# Cold: about 5 minutes on 2 busy cores (the Go build cache makes a rebuild faster).
#
#   EDA_TOOLS_BIN   install dir (default: ~/.cache/eda-tools/bin, shared with install-tools.sh)
#
# Prints the binary's path on stdout (last line):
#   JAEGER="$(bash tools/tracing/install-jaeger.sh | tail -n1)"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module_dir="$here/jaeger"
bin_dir="${EDA_TOOLS_BIN:-${HOME}/.cache/eda-tools/bin}"
mkdir -p "$bin_dir"

log() { echo "install-jaeger: $*" >&2; }
die() { echo "install-jaeger: ERROR: $*" >&2; exit 1; }

version="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit }' "$module_dir/go.mod")"
[[ -n "$version" ]] || die "no github.com/jaegertracing/jaeger requirement in $module_dir/go.mod"
sum="$(sha256sum "$module_dir/go.sum" | cut -c1-12)"
target="$bin_dir/jaeger-$version-$sum"

if [[ -x "$target" ]]; then
  log "jaeger $version already built ($target)"
  echo "$target"
  exit 0
fi

command -v go >/dev/null 2>&1 \
  || die "go is not on PATH; it is needed to build Jaeger $version. Install Go 1.26+ (https://go.dev/dl/)."
log "building jaeger $version (go build from $module_dir; a few minutes on a cold cache)"
start=$SECONDS
tmp="$(mktemp "$bin_dir/.jaeger.XXXXXX")"
# -mod=readonly: go.sum must already hold every module (no silent upgrade); CGO off: a static binary.
if ! (cd "$module_dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$tmp" github.com/jaegertracing/jaeger/cmd/jaeger); then
  rm -f "$tmp"
  die "go build of jaeger $version failed. Check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))."
fi
chmod +x "$tmp"
mv "$tmp" "$target"
log "jaeger $version built in $((SECONDS - start))s"
echo "$target"
