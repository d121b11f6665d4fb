#!/usr/bin/env bash
# Idempotent: install the system packages the tests use, start dockerd if none answers, build the sandbox image.
set -uo pipefail
need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v prlimit >/dev/null || need+=(util-linux)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy, pytest' 2>/dev/null || need+=(python3 python3-numpy python3-pytest)
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup-test-env: please install: ${need[*]} (tests that need them will say so)" >&2
  fi
fi
if command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (dockerd --iptables=false --bridge=none >/tmp/synthloop-dockerd.log 2>&1 &)
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if docker info >/dev/null 2>&1 && [ -x scripts/build-sandbox-image.sh ]; then
  bash scripts/build-sandbox-image.sh || echo "setup-test-env: sandbox image build failed; docker tests will say so" >&2
fi
exit 0
