#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd for validate:manifests' server-side
# dry run, with `go build` from the Go module proxy only:
#   apiserver/kubernetes  k8s.io/kubernetes (cmd/kube-apiserver, cmd/kubectl), its
#                         k8s.io/* staging modules replaced by their published releases
#   apiserver/etcd        go.etcd.io/etcd/server/v3
# Versions: KUBERNETES_VERSION and ETCD_VERSION in versions.env (checked against
# the wrapper modules' go.mod). Idempotent like install-tools.sh: each binary is
# <tool>-<version> in the bin dir, symlinked as <tool>; a second run is a no-op.
#
# Cold build on 2 busy cores: kube-apiserver about 8 min, kubectl 1.5 min more,
# etcd 1.5 min. Prints the bin dir on stdout (last line).
#
#   EDA_TOOLS_BIN   install dir (default: ~/.cache/eda-tools/bin)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

bin_dir="${EDA_TOOLS_BIN:-${HOME}/.cache/eda-tools/bin}"
mkdir -p "$bin_dir"

log() { echo "install-apiserver: $*" >&2; }
die() { echo "install-apiserver: ERROR: $*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH; Go 1.26+ is needed to build the API server (https://go.dev/dl/)"

grep -q "^require k8s.io/kubernetes $KUBERNETES_VERSION\$" "$here/apiserver/kubernetes/go.mod" \
  || die "apiserver/kubernetes/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION (versions.env); update both together"
grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION" "$here/apiserver/etcd/go.mod" \
  || die "apiserver/etcd/go.mod does not require go.etcd.io/etcd/server/v3 $ETCD_VERSION (versions.env); update both together"

# build <name> <version> <module dir> <package>
build() {
  local name="$1" version="$2" dir="$3" pkg="$4"
  local target="$bin_dir/$name-$version"
  if [[ -x "$target" ]]; then
    [[ "$(readlink "$bin_dir/$name" 2>/dev/null)" == "$name-$version" ]] || ln -sfn "$name-$version" "$bin_dir/$name"
    log "$name $version already installed"
    return 0
  fi
  log "building $name $version (go build; minutes on a cold cache)"
  local start=$SECONDS tmp
  tmp="$(mktemp "$bin_dir/.$name.XXXXXX")"
  if ! CGO_ENABLED=0 go build -C "$dir" -trimpath -o "$tmp" "$pkg" >&2; then
    rm -f "$tmp"
    die "go build $pkg failed. Check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))."
  fi
  mv "$tmp" "$target"
  ln -sfn "$name-$version" "$bin_dir/$name"
  log "$name $version built in $((SECONDS - start))s"
}

build kube-apiserver "$KUBERNETES_VERSION" "$here/apiserver/kubernetes" k8s.io/kubernetes/cmd/kube-apiserver
build kubectl "$KUBERNETES_VERSION" "$here/apiserver/kubernetes" k8s.io/kubernetes/cmd/kubectl
build etcd "$ETCD_VERSION" "$here/apiserver/etcd" go.etcd.io/etcd/server/v3

echo "$bin_dir"
