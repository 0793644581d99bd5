# shellcheck shell=bash
# summary: build every image with podman, or push them: build | push --prefix REGISTRY/USER --tag T
# usage: ./vmpulse images build [--tag T] [--bases local|upstream] [--prebuilt]
#        ./vmpulse images push --prefix REGISTRY/USER --tag T [--release FILE]
#
# build: localhost/vmpulse-COMPONENT:T (T defaults to "dev") from deploy/docker/, with
#   podman. --bases local makes the base images here (mmdebstrap, Debian's packages);
#   upstream uses the Dockerfiles' pinned Docker Hub bases; the default is upstream when
#   Docker Hub answers, local otherwise. --prebuilt puts this machine's own build of
#   the C++ binaries (build/bin, build/static/bin) in the C++ images instead of
#   compiling them again in the image (the test run does). Logs in $VMPULSE_STATE_DIR/images.
# push: pushes the five images built with tag T to REGISTRY/USER/vmpulse-COMPONENT:T and
#   writes their digests to the release file (default $VMPULSE_STATE_DIR/release/T.env),
#   which `./vmpulse cloud deploy --release FILE` deploys by digest.
# shellcheck source=scripts/lib/images.sh
source "$VMPULSE_ROOT/scripts/lib/images.sh"

_images_usage="usage: ./vmpulse images build [--tag T] [--bases local|upstream] [--prebuilt]
       ./vmpulse images push --prefix REGISTRY/USER --tag T [--release FILE]"

_images_step="${1:-}"
[[ $# -gt 0 ]] && shift
_tag="" _prefix="" _release="" _bases="" _prebuilt=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prebuilt)
      _prebuilt=prebuilt
      shift
      ;;
    --tag | --prefix | --release | --bases)
      [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"
      case "$1" in
        --tag) _tag="$2" ;;
        --prefix) _prefix="$2" ;;
        --release) _release="$2" ;;
        --bases) _bases="$2" ;;
      esac
      shift 2
      ;;
    *) die "unknown option: $1
$_images_usage" ;;
  esac
done

command -v podman >/dev/null 2>&1 || [[ "$_images_step" != build && "$_images_step" != push ]] ||
  die "podman is not installed (apt-get install podman runc; see docs/deploy.md, \"Images\")"

case "$_images_step" in
  build)
    [[ -z "$_prefix" && -z "$_release" ]] || die "build takes --tag, --bases and --prebuilt only"
    _tag="${_tag:-dev}"
    valid_image_tag "$_tag" || die "not an image tag: $_tag"
    if [[ -z "$_bases" ]]; then
      if timeout 20 "${PODMAN[@]}" pull -q "$(upstream_base cpp.Dockerfile DEBIAN_IMAGE)" >/dev/null 2>&1; then
        _bases=upstream
      else
        _bases=local
        info "Docker Hub is not reachable: making the base images here"
      fi
    fi
    [[ "$_bases" == local || "$_bases" == upstream ]] || die "--bases is local or upstream, not $_bases"
    images_build "$_tag" "$_bases" "$_prebuilt"
    ;;
  push)
    [[ -n "$_prefix" ]] || die "push needs --prefix REGISTRY/USER (e.g. docker.io/yourname): no default, the images go where you say"
    valid_image_prefix "$_prefix" || die "not an image prefix (REGISTRY/USER, lower case): $_prefix"
    [[ -n "$_tag" ]] || die "push needs --tag T (the tag the images were built with)"
    valid_image_tag "$_tag" || die "not an image tag: $_tag"
    [[ -z "$_bases" && -z "$_prebuilt" ]] || die "push takes --prefix, --tag and --release only"
    _release="${_release:-$VMPULSE_STATE_DIR/release/$_tag.env}"
    images_push "$_prefix" "$_tag" "$_release"
    ;;
  *) die "$_images_usage" ;;
esac
