#!/usr/bin/env bash
# Release step: pin Seckill's own images in an overlay to the digests the registry returned on push.
#
#   scripts/pin-images.sh OVERLAY REGISTRY VERSION SERVICE=DIGEST_OR_PUSH_LOG...
#
#   OVERLAY   the overlay directory to edit, e.g. k8s/overlays/prod (prod-cluster inherits prod's images)
#   REGISTRY  where the images were pushed, e.g. registry.example.com/shop
#   VERSION   the release version the images were tagged with, e.g. 0.1.0 (never latest)
#   SERVICE=  gateway, stock-service or order-consumer, each given exactly once, followed by either
#             the digest (sha256:<64 hex>) or a file holding the output of `docker push` of that
#             image, whose last line reads "<tag>: digest: sha256:<64 hex> size: <n>"
#             (`docker buildx build --push --metadata-file F` writes it as "containerimage.digest").
#
# For each service it runs, in OVERLAY:
#   kustomize edit set image seckill/<service>=<REGISTRY>/seckill/<service>:<VERSION>@sha256:<digest>
# so the overlay keeps the version for the reader and the node pulls exactly what was pushed. Needs
# `kustomize` on the PATH (or set KUSTOMIZE). PIN_IMAGES_DRY_RUN=1 prints the commands instead.
# Commit the edited kustomization.yaml with the release. docs/kubernetes.md ("Images").
set -euo pipefail

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -eq 6 ]] || usage
overlay="$1" registry="${2%/}" version="$3"
shift 3

[[ -f "$overlay/kustomization.yaml" ]] || { echo "pin-images.sh: $overlay has no kustomization.yaml" >&2; exit 2; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
  || { echo "pin-images.sh: VERSION must be a release version like 0.1.0, got '$version'" >&2; exit 2; }
[[ "$registry" =~ ^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$ ]] \
  || { echo "pin-images.sh: REGISTRY '$registry' is not a registry path" >&2; exit 2; }

declare -A digests=()
for arg in "$@"; do
  service="${arg%%=*}" source="${arg#*=}"
  case "$service" in
    gateway|stock-service|order-consumer) ;;
    *) echo "pin-images.sh: unknown service '$service' (gateway, stock-service, order-consumer)" >&2; exit 2 ;;
  esac
  [[ -z "${digests[$service]:-}" ]] || { echo "pin-images.sh: $service given twice" >&2; exit 2; }
  if [[ "$source" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    digest="$source"
  elif [[ -f "$source" ]]; then
    # The last digest the push reported (a push prints one line per tag; they share the digest).
    digest="$(grep -oE 'sha256:[0-9a-f]{64}' "$source" | tail -n 1 || true)"
    [[ -n "$digest" ]] || { echo "pin-images.sh: no sha256 digest in $source" >&2; exit 2; }
  else
    echo "pin-images.sh: $service=$source is neither sha256:<64 hex> nor a file" >&2
    exit 2
  fi
  digests[$service]="$digest"
done
[[ ${#digests[@]} -eq 3 ]] || { echo "pin-images.sh: give all three services" >&2; exit 2; }

kustomize="${KUSTOMIZE:-kustomize}"
for service in gateway stock-service order-consumer; do
  ref="$registry/seckill/$service:$version@${digests[$service]}"
  if [[ "${PIN_IMAGES_DRY_RUN:-}" == 1 ]]; then
    echo "(cd $overlay && $kustomize edit set image seckill/$service=$ref)"
  else
    (cd "$overlay" && "$kustomize" edit set image "seckill/$service=$ref")
  fi
done
