# shellcheck shell=bash
# compose.yaml with podman-compose (Debian's 1.0.3) on this host: the compose check of
# tests/suites/65-images.sh, and anyone running the stack here (docs/deploy.md, "Compose").
# Needs scripts/lib/images.sh (PODMAN).
#
# podman-compose 1.0.3 passes neither --runtime nor --ulimit to podman, and this host needs
# both (crun refuses its hybrid cgroups; podman's default limits ask for more than a
# container may raise), so they go into a containers.conf of our own that every podman
# the tool starts reads (CONTAINERS_CONF).

# compose_env DIR: writes DIR/containers.conf and exports CONTAINERS_CONF to it.
compose_env() {
  local conf="$1/containers.conf"
  mkdir -p "$1"
  cat >"$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=1000:1000"]

[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF="$conf"
}

# compose_local_bases: exports VMPULSE_DB_IMAGE and VMPULSE_INGRESS_IMAGE, compose.yaml's
# database and ingress images, as the local stand-ins (the MariaDB image and the nginx
# base, made from the local Debian base when missing): for machines without Docker Hub.
compose_local_bases() {
  local debian nginx mariadb
  images_bases local || return 1
  debian="$(local_debian_base)" && nginx="$(local_package_base nginx "$debian")" &&
    mariadb="$(local_package_base mariadb "$debian")" || return 1
  export VMPULSE_DB_IMAGE="$mariadb" VMPULSE_INGRESS_IMAGE="$nginx"
}

# compose PROJECT ARGS...: podman-compose on the repository's compose.yaml as PROJECT,
# with the podman (and image store) of scripts/lib/images.sh.
compose() {
  local project="$1"
  shift
  [[ -n "${CONTAINERS_CONF:-}" ]] || die "compose: call compose_env first"
  podman-compose --podman-path "$(command -v podman)" "${PODMAN_COMPOSE_ARGS[@]}" -p "$project" \
    -f "$VMPULSE_ROOT/compose.yaml" "$@"
}

# The podman options of PODMAN beyond --runtime (a separate store), given to every
# podman command podman-compose runs.
PODMAN_COMPOSE_ARGS=()
if [[ -n "${VMPULSE_PODMAN_ROOT:-}" ]]; then
  PODMAN_COMPOSE_ARGS=(--podman-args "--root $VMPULSE_PODMAN_ROOT/root --runroot $VMPULSE_PODMAN_ROOT/run")
fi
