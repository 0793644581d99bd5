#!/usr/bin/env bash
# Copies db/migrations/*.sql and db/grants.sql into deploy/k8s/base/db/ and lists the
# migrations in base/kustomization.yaml, so that kustomize finds everything inside its
# own tree: `kubectl apply -k` and `kubectl kustomize` work with default settings
# (Argo CD, Flux), no --load-restrictor. db/ stays the one source; the copies are
# committed, and the deploy suite runs --check so that a copy out of date fails.
#
#   deploy/k8s/sync-db.sh           write the copies and the kustomization's file list
#   deploy/k8s/sync-db.sh --check   change nothing; exit 1 and name what differs
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$root/deploy/k8s/base"
mode="write"
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *)
    echo "usage: deploy/k8s/sync-db.sh [--check]" >&2
    exit 2
    ;;
esac

shopt -s nullglob
sources=("$root"/db/migrations/*.sql)
((${#sources[@]} > 0)) || { echo "sync-db: no migrations in db/migrations" >&2; exit 1; }
sources+=("$root/db/grants.sql")

# The kustomization's migration list, between its two marker lines.
kustomization_with_list() {
  local f
  awk -v list="$(for f in "$root"/db/migrations/*.sql; do printf '      - db/migrations/%s\n' "$(basename "$f")"; done)" '
    /# sync-db: migrations begin/ { print; print list; skip = 1; next }
    /# sync-db: migrations end/ { skip = 0 }
    !skip { print }' "$base/kustomization.yaml"
}

stale=()
want_files=()
for src in "${sources[@]}"; do
  rel="${src#"$root"/db/}"
  want_files+=("$rel")
  dst="$base/db/$rel"
  if ! cmp -s "$src" "$dst"; then
    stale+=("deploy/k8s/base/db/$rel")
    if [[ "$mode" == write ]]; then
      mkdir -p "$(dirname "$dst")"
      cp "$src" "$dst"
    fi
  fi
done
# Copies whose source is gone (a renamed migration).
for dst in "$base"/db/migrations/*.sql; do
  rel="${dst#"$base"/db/}"
  if [[ ! -f "$root/db/$rel" ]]; then
    stale+=("deploy/k8s/base/db/$rel (no longer in db/)")
    [[ "$mode" == write ]] && rm -f "$dst"
  fi
done
grep -q '# sync-db: migrations begin' "$base/kustomization.yaml" ||
  { echo "sync-db: no '# sync-db: migrations begin' line in deploy/k8s/base/kustomization.yaml" >&2; exit 1; }
new_kustomization="$(kustomization_with_list)"
if [[ "$new_kustomization" != "$(cat "$base/kustomization.yaml")" ]]; then
  stale+=("deploy/k8s/base/kustomization.yaml (its migration list)")
  [[ "$mode" == write ]] && printf '%s\n' "$new_kustomization" >"$base/kustomization.yaml"
fi

if ((${#stale[@]} == 0)); then
  echo "sync-db: deploy/k8s/base/db is in sync with db/ (${#want_files[@]} files)"
  exit 0
fi
if [[ "$mode" == check ]]; then
  echo "sync-db: out of date (run deploy/k8s/sync-db.sh):" >&2
  printf '  %s\n' "${stale[@]}" >&2
  exit 1
fi
echo "sync-db: updated:"
printf '  %s\n' "${stale[@]}"
