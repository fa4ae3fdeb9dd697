#!/usr/bin/env bash
# Installs helm, kustomize, kubeconform and actionlint at the versions pinned in versions.env,
# with `go install` (the Go module proxy is the only source we rely on).
#
# Idempotent: each binary lives in a versioned file (<tool>-<version>) and is
# symlinked as <tool>; a second run only checks that the files exist.
#
#   EDA_TOOLS_BIN   install dir (default: ~/.cache/eda-tools/bin)
#   GOFLAGS, GOPROXY are honoured as usual.
#
# Prints the bin dir on stdout (last line), so callers can do:
#   PATH="$(tools/manifests/install-tools.sh | tail -n1):$PATH"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

bin_dir="${EDA_TOOLS_BIN:-${HOME}/.cache/eda-tools/bin}"
mkdir -p "$bin_dir"

log() { echo "install-tools: $*" >&2; }
die() { echo "install-tools: ERROR: $*" >&2; exit 1; }

require_go() {
  command -v go >/dev/null 2>&1 \
    || die "go is not on PATH; it is needed to build the pinned tools. Install Go 1.26+ (https://go.dev/dl/), or put prebuilt binaries in $bin_dir named <tool>-<version> (e.g. helm-$HELM_VERSION)."
}

# install <name> <module> <version>
install_tool() {
  local name="$1" module="$2" version="$3"
  local target="$bin_dir/$name-$version"
  if [[ -x "$target" ]]; then
    # Relink only when needed, so concurrent no-op runs never race on the link.
    [[ "$(readlink "$bin_dir/$name" 2>/dev/null)" == "$name-$version" ]] || ln -sfn "$name-$version" "$bin_dir/$name"
    log "$name $version already installed"
    return 0
  fi
  require_go
  log "building $name $version from $module (go install; this takes a while on a cold cache)"
  local gobin
  gobin="$(mktemp -d "$bin_dir/.gobin.XXXXXX")"
  local start=$SECONDS
  # CGO off: static binaries, no C toolchain needed.
  local out
  if ! out="$(CGO_ENABLED=0 GOBIN="$gobin" go install "$module@$version" 2>&1)"; then
    rm -rf "$gobin"
    echo "$out" | tail -n 20 >&2
    if grep -q 'requires go >=' <<<"$out"; then
      die "$name $version needs a newer Go than $(go env GOVERSION); upgrade Go or pin an older $name in $here/versions.env"
    fi
    die "go install $module@$version failed. Check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)) and the version exists: go list -m -versions ${module%/cmd/*}"
  fi
  local built
  built="$(find "$gobin" -type f -perm -u+x | head -n1)"
  [[ -n "$built" ]] || { rm -rf "$gobin"; die "go install $module@$version produced no binary"; }
  mv "$built" "$target"
  rm -rf "$gobin"
  ln -sfn "$name-$version" "$bin_dir/$name"
  log "$name $version built in $((SECONDS - start))s"
}

install_tool helm "$HELM_MODULE" "$HELM_VERSION"
install_tool kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION"
install_tool kubeconform "$KUBECONFORM_MODULE" "$KUBECONFORM_VERSION"
install_tool actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION"

echo "$bin_dir"
