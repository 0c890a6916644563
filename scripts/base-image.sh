#!/usr/bin/env bash
# Make sure the base image (default debian:bookworm-slim) exists locally.
# Pulled when a registry answers; otherwise built with debootstrap under the same name, so the
# project's Dockerfiles build the same way here and on a machine with Docker Hub access.
set -euo pipefail
IMAGE=${1:-debian:bookworm-slim}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
say() { printf '[base-image] %s\n' "$*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE present"
  exit 0
fi
say "pulling $IMAGE ..."
if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  say "pulled $IMAGE"
  exit 0
fi
say "no registry reachable: building $IMAGE locally with debootstrap (about a minute)"
if ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then say "debootstrap is missing and needs root to install"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi
root=$(mktemp -d /tmp/evals-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >/tmp/evals-debootstrap.log 2>&1 || {
  say "debootstrap failed; see /tmp/evals-debootstrap.log"; tail -n 20 /tmp/evals-debootstrap.log >&2; exit 1; }
# keep the image slim: no apt lists, no docs
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$IMAGE" >/dev/null
say "built $IMAGE locally"
