# shellcheck shell=bash
# How vmpulse's images are named, in one place for `./vmpulse images push`,
# `./vmpulse cloud deploy` (deploy/gcp) and the kustomization it renders; compose.yaml
# spells the same names with VMPULSE_IMAGE_PREFIX and VMPULSE_IMAGE_TAG.
#   PREFIX/vmpulse-COMPONENT:TAG       by tag (what images build and push make)
#   PREFIX/vmpulse-COMPONENT@sha256:…  by digest (a release file's lines)
# There is no default PREFIX: the images go to, and come from, where the operator says.
# Pure functions: each answers or returns non-zero, and the caller says why it stops.

# The registries' rules: a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a prefix is a
# registry host (an optional port) and at least one lower-case path component.
valid_image_tag() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; }
valid_image_prefix() { [[ "$1" =~ ^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+$ ]]; }

# image_name PREFIX COMPONENT: the repository, PREFIX/vmpulse-COMPONENT.
image_name() { printf '%s/vmpulse-%s\n' "$1" "$2"; }

# image_ref PREFIX COMPONENT TAG: PREFIX/vmpulse-COMPONENT:TAG.
image_ref() { printf '%s/vmpulse-%s:%s\n' "$1" "$2" "$3"; }

# release_var COMPONENT: the release file's variable for it (node-api: VMPULSE_IMAGE_NODE_API).
release_var() { printf 'VMPULSE_IMAGE_%s\n' "$(tr 'a-z-' 'A-Z_' <<<"$1")"; }

# release_line COMPONENT PREFIX DIGEST: one release file line, the image by digest.
release_line() { printf '%s=%s@%s\n' "$(release_var "$1")" "$(image_name "$2" "$1")" "$3"; }

# release_ref FILE COMPONENT: the component's image by digest from a release file, or
# non-zero when the file has no such line (a tag can be moved; a digest cannot).
release_ref() {
  local line ref
  line="$(grep -E "^$(release_var "$2")=" "$1" | tail -n1)"
  ref="${line#*=}"
  [[ "$ref" =~ ^[a-z0-9][a-z0-9./:_-]*/vmpulse-$2@sha256:[0-9a-f]{64}$ ]] || return 1
  printf '%s\n' "$ref"
}

# kustomize_image COMPONENT REF: the kustomization's images entry that replaces the
# manifests' vmpulse/COMPONENT with REF, by digest or by tag.
kustomize_image() {
  local ref="$2"
  printf '  - name: vmpulse/%s\n' "$1"
  if [[ "$ref" == *@sha256:* ]]; then
    printf '    newName: %s\n    digest: %s\n' "${ref%@*}" "${ref#*@}"
  else
    printf '    newName: %s\n    newTag: "%s"\n' "${ref%:*}" "${ref##*:}"
  fi
}
