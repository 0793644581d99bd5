#!/bin/sh
# The nginx image's entrypoint contract, reduced to what the dashboard image uses: each
# executable /docker-entrypoint.d/*.sh runs in order (a failure stops the start), then
# the command.
set -eu
for script in /docker-entrypoint.d/*.sh; do
  [ -x "$script" ] || continue
  echo "$0: running $script"
  "$script"
done
exec "$@"
