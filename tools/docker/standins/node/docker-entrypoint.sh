#!/bin/sh
# The official node image's entry point: run `node` with the arguments when the
# first one is an option or not a command, else run the command as given.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
