#!/usr/bin/env bash
# Build the docker sandbox image locally, without a registry: a minimal Debian bookworm root with python3, numpy and
# pytest made by debootstrap, imported with `docker import`. Skips the build when the image exists (FORCE=1 rebuilds).
# Usage: scripts/build-sandbox-image.sh [TAG]   (default synthloop-sandbox:latest; MIRROR=... to pick a mirror)
set -euo pipefail
TAG="${1:-synthloop-sandbox:latest}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"

command -v docker >/dev/null || { echo "build-sandbox-image: docker CLI not found (apt install docker.io)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "build-sandbox-image: no docker daemon answers (start dockerd)" >&2; exit 2; }
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "build-sandbox-image: $TAG exists (FORCE=1 to rebuild)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-sandbox-image: debootstrap not found (apt install debootstrap)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "build-sandbox-image: debootstrap needs root" >&2; exit 2; }

ROOT="$(mktemp -d /var/tmp/synthloop-rootfs.XXXXXX)"
trap 'rm -rf --one-file-system "$ROOT"' EXIT
echo "build-sandbox-image: debootstrap $SUITE into $ROOT (a few minutes)"
debootstrap --variant=minbase --include=python3,python3-numpy,python3-pytest "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 \
  || { tail -20 "$ROOT.log" >&2; rm -f "$ROOT.log"; exit 1; }
rm -f "$ROOT.log"
# Trim what a sandbox never needs.
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
  "$ROOT"/usr/share/locale/*
mkdir -p "$ROOT/work"
chown 65534:65534 "$ROOT/work"
chroot "$ROOT" /usr/bin/python3 -c 'import numpy, pytest' \
  || { echo "build-sandbox-image: python3 in the new root cannot import numpy/pytest" >&2; exit 1; }
tar -C "$ROOT" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/work' \
  --change 'WORKDIR /work' \
  --change 'USER 65534:65534' \
  --change 'CMD ["/usr/bin/python3"]' \
  - "$TAG" >/dev/null
echo "build-sandbox-image: built $TAG"
