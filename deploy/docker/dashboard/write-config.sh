#!/bin/sh
# Runs from the nginx image's entrypoint before nginx starts: writes the dashboard's
# runtime configuration from the environment, and nginx's listen port from PORT (Cloud
# Run chooses the port). Only /tmp is written, so the root filesystem can be read-only.
set -eu

# The hub's base URL (the dashboard adds /ws and /api/...), e.g. https://vmpulse.example.com.
# Empty: the hub is behind the page's own origin (one ingress for both).
# VMPULSE_HUB_URL is accepted too, the name the dashboard's own docs use.
hub_url="${HUB_URL:-${VMPULSE_HUB_URL:-}}"
case "$hub_url" in
  "" | ws://* | wss://* | http://* | https://*) ;;
  *)
    echo "write-config: HUB_URL must start with ws://, wss://, http:// or https:// (got: $hub_url)" >&2
    exit 1
    ;;
esac
# Only URL characters: the value is written into a JavaScript string literal.
if [ -n "$(printf '%s' "$hub_url" | tr -d 'A-Za-z0-9._~:/?#@!$&()*+,;=%[]-')" ]; then
  printf "write-config: HUB_URL contains a character not allowed in a URL: %s\n" "$hub_url" >&2
  exit 1
fi
port="${PORT:-8080}"
case "$port" in
  '' | *[!0-9]*)
    echo "write-config: PORT must be a number (got: $port)" >&2
    exit 1
    ;;
esac

mkdir -p /tmp/vmpulse
printf 'window.VMPULSE_CONFIG = { hubUrl: "%s" };\n' "$hub_url" >/tmp/vmpulse/config.js
printf 'listen %s;\n' "$port" >/tmp/vmpulse/listen.conf
echo "write-config: hubUrl=${hub_url:-(same origin)} port=$port"
