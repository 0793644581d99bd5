# shellcheck shell=bash
# Building vmpulse's images with podman (scripts/cmd/images.sh, tests/suites/65-images.sh).
#
# Every image is built from deploy/docker/ as users build it. Where Docker Hub cannot be
# reached (this project's machines), the base images are made here instead: Debian 12
# by mmdebstrap, and from it Node.js and nginx stand-ins (deploy/docker/local-bases/);
# each is tagged with a key made from its recipe, so a second build on the same machine
# finds it and makes nothing (docs/deploy.md, "Images").
# shellcheck source=scripts/lib/image-names.sh
source "$VMPULSE_ROOT/scripts/lib/image-names.sh"

# The components, and the Dockerfile (and target) each is built from: the C++ three
# share one build stage, so the first compiles and the other two find it in the cache.
IMAGE_COMPONENTS=(agent api hub node-api dashboard)
image_dockerfile_args() {
  case "$1" in
    agent | api | hub) printf '%s\n' -f "$VMPULSE_ROOT/deploy/docker/cpp.Dockerfile" --target "$1" ;;
    *) printf '%s\n' -f "$VMPULSE_ROOT/deploy/docker/$1.Dockerfile" ;;
  esac
}

# podman as this host needs it: runc (crun refuses hybrid cgroups), and limits a container
# may actually raise (podman's defaults ask for more). VMPULSE_PODMAN_ROOT: a separate
# image store (a build from nothing, as on a fresh machine).
PODMAN=(podman --runtime runc)
if [[ -n "${VMPULSE_PODMAN_ROOT:-}" ]]; then
  PODMAN+=(--root "$VMPULSE_PODMAN_ROOT/root" --runroot "$VMPULSE_PODMAN_ROOT/run")
fi
PODMAN_LIMITS=(--ulimit nofile=10000:10000 --ulimit nproc=1000:1000)

# The pinned upstream bases (the Dockerfiles' ARG defaults).
upstream_base() {
  sed -n "s/^ARG $2=//p" "$VMPULSE_ROOT/deploy/docker/$1" | head -n1
}

# recipe_key TEXT...: a short content key for a local base image.
recipe_key() {
  printf '%s\n' "$@" | sha256sum | cut -c1-16
}

# build_trust_args: where this machine's npm trusts its own CA bundle (a TLS-inspecting
# proxy between it and the registry), the builds' npm gets that bundle too: mounted
# into RUN steps with a global npmrc pointing at it, never copied into an image.
build_trust_args() {
  local bundle="${NODE_EXTRA_CA_CERTS:-}"
  [[ -n "$bundle" ]] || bundle="$(npm config get cafile 2>/dev/null || true)"
  [[ -n "$bundle" && "$bundle" != null && -f "$bundle" ]] || return 0
  [[ -f "$IMAGES_LOG_DIR/npmrc" ]] || echo "cafile=/run/vmpulse-build/ca.crt" >"$IMAGES_LOG_DIR/npmrc"
  printf '%s\n' -v "$bundle:/run/vmpulse-build/ca.crt:ro" -v "$IMAGES_LOG_DIR/npmrc:/usr/etc/npmrc:ro"
}

# podman_build IMAGE CONTEXT ARGS...: one quiet build (its log kept beside the others).
podman_build() {
  local image="$1" context="$2" log trust
  shift 2
  log="$IMAGES_LOG_DIR/build-${image//[:\/]/_}.log"
  mapfile -t trust < <(build_trust_args)
  # Docker's image format: the OCI one has no SHELL, and podman would drop the
  # Dockerfiles' `SHELL [... pipefail ...]`.
  if ! nice "${PODMAN[@]}" build --format docker --network=host "${PODMAN_LIMITS[@]}" "${trust[@]}" --layers \
    -t "$image" "$@" "$context" \
    >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "podman build of $image failed; log: $log"
  fi
}

# local_debian_base: Debian 12 minbase, from the same mirror as this machine's apt,
# without documentation, manuals, translations and apt's binary caches (as Docker Hub's
# debian:12-slim); the
# key changes weekly, so the next week's build takes that week's security updates.
# shellcheck disable=SC2016 # "$1" is the hook's argument (the new root), not ours
DEBIAN_BASE_RECIPE=(mmdebstrap --quiet --variant=minbase
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*' --customize-hook='rm -rf "$1"/var/lib/apt/lists/*'
  --customize-hook='printf "%s\n" "Dir::Cache::pkgcache \"\";" "Dir::Cache::srcpkgcache \"\";" >"$1"/etc/apt/apt.conf.d/docker-clean'
  bookworm)
local_debian_base() {
  local sources="/etc/apt/sources.list.d/debian.sources" key image
  [[ -f "$sources" ]] || sources=/etc/apt/sources.list
  key="$(recipe_key "${DEBIAN_BASE_RECIPE[*]}" "$(grep -v '^#' "$sources")" "$(date -u +%G-%V)")"
  image="localhost/vmpulse-base/debian:$key"
  if ! "${PODMAN[@]}" image exists "$image"; then
    info "making the Debian 12 base ($image) with mmdebstrap" >&2
    local tar="$IMAGES_LOG_DIR/debian-$key.tar"
    nice "${DEBIAN_BASE_RECIPE[@]}" "$tar" "$sources" >"$IMAGES_LOG_DIR/mmdebstrap.log" 2>&1 ||
      die "mmdebstrap failed; log: $IMAGES_LOG_DIR/mmdebstrap.log"
    "${PODMAN[@]}" import --change 'CMD ["/bin/bash"]' "$tar" "$image" >/dev/null || die "podman import failed"
    rm -f "$tar"
  fi
  echo "$image"
}

# local_node_base DEBIAN: the Debian base plus this machine's Node.js package.
local_node_base() {
  local debian="$1" version key image ctx
  version="$(dpkg-query -W -f='${Package} ${Version}' nodejs 2>/dev/null)" || die "the nodejs package is not installed"
  version+=" npm $(npm --version)"
  key="$(recipe_key "$debian" "$version" "$(cat "$VMPULSE_ROOT/deploy/docker/local-bases/node.Dockerfile")")"
  image="localhost/vmpulse-base/node:$key"
  if ! "${PODMAN[@]}" image exists "$image"; then
    info "making the Node.js base ($image, $version)" >&2
    ctx="$(mktemp -d)"
    # node and npm as installed here (npm may have been updated since the package).
    tar -C / -cf "$ctx/nodejs.tar" usr/bin/node usr/bin/npm usr/bin/npx usr/lib/node_modules/npm ||
      die "could not pack node and npm"
    podman_build "$image" "$ctx" -f "$VMPULSE_ROOT/deploy/docker/local-bases/node.Dockerfile" \
      --build-arg "DEBIAN_IMAGE=$debian"
    rm -rf "$ctx"
  fi
  echo "$image"
}

# local_package_base NAME DEBIAN: the Debian base plus Debian's packages of NAME, made
# from local-bases/NAME.Dockerfile and NAME-entrypoint.sh, cached by their recipe:
#   nginx    arranged as nginx-unprivileged (the dashboard's and ingress's base)
#   mariadb  standing in for compose.yaml's mysql image (the compose check in
#            tests/suites/65-images.sh)
local_package_base() {
  local name="$1" debian="$2" key image dir="$VMPULSE_ROOT/deploy/docker/local-bases"
  key="$(recipe_key "$debian" "$(cat "$dir/$name.Dockerfile" "$dir/$name-entrypoint.sh")")"
  image="localhost/vmpulse-base/$name:$key"
  if ! "${PODMAN[@]}" image exists "$image"; then
    info "making the $name base ($image)" >&2
    podman_build "$image" "$dir" -f "$dir/$name.Dockerfile" --build-arg "DEBIAN_IMAGE=$debian"
  fi
  echo "$image"
}

# images_bases BASES: sets IMAGES_BASE_ARGS, the build arguments that point the
# Dockerfiles at their bases: "local" (made here) or "upstream" (the Dockerfiles' pinned
# Docker Hub bases, no arguments).
IMAGES_BASE_ARGS=()
images_bases() {
  IMAGES_LOG_DIR="${IMAGES_LOG_DIR:-$VMPULSE_STATE_DIR/images}"
  mkdir -p "$IMAGES_LOG_DIR"
  IMAGES_BASE_ARGS=()
  [[ "$1" == local ]] || return 0
  local debian node nginx
  debian="$(local_debian_base)"
  node="$(local_node_base "$debian")"
  nginx="$(local_package_base nginx "$debian")"
  IMAGES_BASE_ARGS=(--build-arg "DEBIAN_IMAGE=$debian" --build-arg "NODE_IMAGE=$node" --build-arg "NGINX_IMAGE=$nginx")
}

# The binaries this machine's own build made: the release preset's api and hub, the
# static preset's agent.
PREBUILT_BINARIES=("$VMPULSE_ROOT/build/static/bin/vmpulse-agent" "$VMPULSE_BIN/vmpulse-api" "$VMPULSE_BIN/vmpulse-hub")

# images_prebuilt TAG: the C++ images take their root filesystems from
# localhost/vmpulse-prebuilt:TAG, laid out here by deploy/docker/collect-runtime.sh from
# PREBUILT_BINARIES instead of compiling in the image (cpp.Dockerfile's BINARIES=prebuilt).
# Sets IMAGES_PREBUILT_ARGS.
IMAGES_PREBUILT_ARGS=()
images_prebuilt() {
  local image="localhost/vmpulse-prebuilt:$1" ctx bin
  for bin in "${PREBUILT_BINARIES[@]}"; do
    [[ -x "$bin" ]] || die "no $bin: build the release and static presets first (./vmpulse build; cmake --preset static)"
  done
  ctx="$(mktemp -d)"
  "$VMPULSE_ROOT/deploy/docker/collect-runtime.sh" "$ctx/rootfs" "${PREBUILT_BINARIES[@]}" \
    "$VMPULSE_ROOT/config/alerts.yaml" >"$IMAGES_LOG_DIR/collect-runtime.log" 2>&1 ||
    die "collect-runtime failed; log: $IMAGES_LOG_DIR/collect-runtime.log"
  printf 'FROM scratch\nCOPY rootfs/ /rootfs/\n' >"$ctx/Containerfile"
  podman_build "$image" "$ctx" -f "$ctx/Containerfile"
  rm -rf "$ctx"
  IMAGES_PREBUILT_ARGS=(--build-arg BINARIES=prebuilt --build-arg "PREBUILT_IMAGE=$image")
}

# image_build COMPONENT TAG: builds localhost/vmpulse-COMPONENT:TAG (after images_bases,
# and images_prebuilt for prebuilt C++ binaries).
image_build() {
  local file_args extra=()
  mapfile -t file_args < <(image_dockerfile_args "$1")
  if [[ "$1" == agent || "$1" == api || "$1" == hub ]]; then
    # podman 4.3 decides which stages are unused before it expands ARGs, so it would skip
    # build-source, which only `FROM build-${BINARIES}` names; build every stage then
    # (the other, build-prebuilt, is an empty scratch stage).
    extra=(--skip-unused-stages=false)
    ((${#IMAGES_PREBUILT_ARGS[@]} == 0)) || extra=("${IMAGES_PREBUILT_ARGS[@]}")
  fi
  podman_build "$(image_ref localhost "$1" "$2")" "$VMPULSE_ROOT" "${file_args[@]}" "${IMAGES_BASE_ARGS[@]}" "${extra[@]}"
}

# images_build TAG BASES [prebuilt]: every image, each one's time and size reported.
images_build() {
  local tag="$1" c t0=$SECONDS
  images_bases "$2"
  [[ "$2" == local ]] && info "local bases ready in $((SECONDS - t0)) s"
  [[ "${3:-}" == prebuilt ]] && images_prebuilt "$tag"
  for c in "${IMAGE_COMPONENTS[@]}"; do
    t0=$SECONDS
    image_build "$c" "$tag"
    ok "vmpulse-$c:$tag built in $((SECONDS - t0)) s ($(image_size_mb "$(image_ref localhost "$c" "$tag")") MB)"
  done
}

# image_size_mb IMAGE: the image's unpacked size in MB (10^6 bytes, as podman reports).
image_size_mb() {
  local bytes
  bytes="$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$1")" || return 1
  echo $(((bytes + 500000) / 1000000))
}

# images_push PREFIX TAG RELEASE: pushes localhost/vmpulse-C:TAG to PREFIX/vmpulse-C:TAG
# and writes RELEASE: one line per image, VMPULSE_IMAGE_<C>=PREFIX/vmpulse-C@sha256:...,
# the exact bytes pushed (a tag can be moved; a digest cannot).
images_push() {
  local prefix="$1" tag="$2" release="$3" c digest lines=()
  for c in "${IMAGE_COMPONENTS[@]}"; do
    "${PODMAN[@]}" image exists "$(image_ref localhost "$c" "$tag")" ||
      die "localhost/vmpulse-$c:$tag is not built (./vmpulse images build --tag $tag)"
  done
  mkdir -p "$(dirname "$release")"
  for c in "${IMAGE_COMPONENTS[@]}"; do
    info "pushing $(image_ref "$prefix" "$c" "$tag")"
    "${PODMAN[@]}" push --digestfile "$release.digest" "$(image_ref localhost "$c" "$tag")" \
      "docker://$(image_ref "$prefix" "$c" "$tag")" ||
      die "podman push of vmpulse-$c failed"
    digest="$(cat "$release.digest")"
    [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "podman reported no digest for vmpulse-$c"
    lines+=("$(release_line "$c" "$prefix" "$digest")")
  done
  rm -f "$release.digest"
  printf '%s\n' "# ./vmpulse images push --prefix $prefix --tag $tag, $(date -u +%FT%TZ)" "${lines[@]}" >"$release"
  ok "release file: $release"
}
