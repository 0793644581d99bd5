#!/usr/bin/env bash
# collect-runtime OUT AGENT API HUB ALERTS_YAML: lays out OUT/agent, OUT/api and OUT/hub,
# the root filesystems of the three C++ images (deploy/docker/cpp.Dockerfile), each run
# on an empty base. One holds its binary, stripped, in /usr/local/bin; every shared
# library it loads (its ldd closure, in Debian's merged /usr layout); the MariaDB
# client's auth plugins when it links libmariadb (MySQL 8 asks for
# caching_sha2_password, a plugin loaded at connect time that ldd cannot see); and the
# CA bundle for TLS. The hub's also holds the shipped alert rules.
# Runs in the image's build stage, or on a Debian 12 machine that built the binaries
# itself (./vmpulse images build --prebuilt).
set -euo pipefail
[[ $# -eq 5 ]] || { echo "usage: collect-runtime OUT AGENT API HUB ALERTS_YAML" >&2; exit 2; }
out="$1" agent="$2" api="$3" hub="$4" alerts="$5"

# image_root DEST: the directories and files every image has.
image_root() {
  local dest="$1"
  mkdir -p "$dest/usr/local/bin" "$dest/usr/lib" "$dest/usr/lib64" "$dest/tmp" "$dest/etc/ssl/certs"
  chmod 1777 "$dest/tmp"
  ln -sfn usr/lib "$dest/lib"
  ln -sfn usr/lib64 "$dest/lib64"
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/ca-certificates.crt"
}

# copy_closure DEST FILE: the shared libraries FILE loads, and its interpreter; fails
# when one of them is missing.
copy_closure() {
  local dest="$1"
  shift
  local out lib
  if ! out="$(ldd "$1" 2>&1)"; then
    [[ "$out" == *"not a dynamic executable"* ]] && return 0 # static: nothing to load
    echo "collect-runtime: ldd $1: $out" >&2
    return 1
  fi
  if grep -q 'not found' <<<"$out"; then
    echo "collect-runtime: $1 needs a library that is not installed: $out" >&2
    return 1
  fi
  # "libx.so => /path (0x..)" and the interpreter's "/lib64/ld-linux-x86-64.so.2 (0x..)".
  while read -r lib; do
    local to="$dest/usr${lib#/usr}"
    # The file itself, its mode kept (the loader must stay executable).
    [[ -e "$to" ]] || { mkdir -p "$(dirname "$to")" && cp -L --preserve=mode "$lib" "$to"; }
  done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$out")
}

# image DEST BINARY: one image's root filesystem.
image() {
  local dest="$1" bin="$2" plugins plugin
  image_root "$dest"
  install -s -m 0755 "$bin" "$dest/usr/local/bin/$(basename "$bin")"
  copy_closure "$dest" "$bin"
  if ldd "$bin" 2>/dev/null | grep -q 'libmariadb\.so'; then
    # The folder libmariadb was built to load plugins from (libmariadb-dev's mariadb_config).
    plugins="$(mariadb_config --plugindir)"
    [[ -f "$plugins/caching_sha2_password.so" ]] || { echo "collect-runtime: no auth plugins in '$plugins'" >&2; return 1; }
    for plugin in "$plugins"/*.so; do
      # A plugin whose own libraries are not installed (GSSAPI, say) is left out.
      if copy_closure "$dest" "$plugin" 2>/dev/null; then
        install -D -m 0644 "$plugin" "$dest$plugins/$(basename "$plugin")"
      else
        echo "collect-runtime: left out $(basename "$plugin") (its libraries are not installed)"
      fi
    done
  fi
  du -sh "$dest"
}

image "$out/agent" "$agent"
image "$out/api" "$api"
image "$out/hub" "$hub"
install -D -m 0644 "$alerts" "$out/hub/etc/vmpulse/alerts.yaml"
