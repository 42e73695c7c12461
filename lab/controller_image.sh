#!/usr/bin/env bash
# The second controller's image: Debian 13 (the trixie lab image, lab/image.sh) with the
# newest ansible-core below 2.22 (why: below) that PyPI has for its Python (3.13), netaddr
# and cryptography<51 (51 deprecates DSA, which ansible-core's ssh-agent code imports:
# every ansible command would print a CryptographyDeprecationWarning;
# execution-environment.yml pins it for the same reason), in a venv at /opt/ansible (on
# the PATH). molecule/installed runs ansible-test and deploys a pair from a container of
# it; the first controller is this machine's (Python 3.11, ansible-core 2.19).
#
#   lab/controller_image.sh
#
# The wheels are downloaded on this machine (pip download --python-version 3.13
# --only-binary=:all:) and installed in the build with --no-index: the build needs no
# index, only the Debian mirror the lab image's apt sources name (python3-venv, ssh).
#
# Tags: failover-keepalived-controller:trixie-HASH and failover-keepalived-controller:trixie;
# HASH is over this script, the lab image's id and the wheels' names, so a new
# ansible-core on PyPI makes a new image and an unchanged one is reused. Work files in
# build/controller; progress on stderr; the last line on stdout is the image.
#
# Below 2.22: ansible-core 2.22.0 (on PyPI since 2026-12-07) has ansible-test sanity
# install pylint's requirement dill from a github.com archive, which this machine cannot
# reach (it has PyPI only); molecule/installed failed on it. Lift the bound once that
# requirement comes from PyPI.
set -euo pipefail
CORE='ansible-core<2.22'

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN=${CONTROLLER_BIN:-$ROOT/.venv/bin}
IMAGE=failover-keepalived-controller
PYTHON_VERSION=3.13
WORK=$ROOT/build/controller

# shellcheck source=lab/image_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/image_lib.sh"

docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh"
base=$(lab/image.sh trixie | tail -n 1)
[ -n "$base" ] || die "no trixie lab image"

rm -rf "$WORK"
mkdir -p "$WORK/wheels"
say "pip download $CORE netaddr cryptography<51 for Python $PYTHON_VERSION (the newest that runs there)"
# (the host's pip.conf names local indexes that lack these projects: pip says so per project)
if ! "$BIN/pip" download --quiet --disable-pip-version-check --python-version "$PYTHON_VERSION" \
    --only-binary=:all: --dest "$WORK/wheels" "$CORE" netaddr "cryptography<51" 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; } >&2; then
  die "pip download failed"
fi
core=$(cd "$WORK/wheels" && ls ansible_core-*.whl | sed -n 's/^ansible_core-\([^-]*\)-.*/\1/p')
[ -n "$core" ] || die "no ansible-core wheel in $WORK/wheels"

cat >"$WORK/Dockerfile" <<EOF
FROM $base
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv openssh-client \\
 && rm -rf /var/lib/apt/lists/*
COPY wheels /tmp/wheels
RUN python3 -m venv /opt/ansible \\
 && /opt/ansible/bin/pip install --quiet --disable-pip-version-check --no-index --find-links /tmp/wheels "$CORE" netaddr "cryptography<51" \\
 && rm -rf /tmp/wheels
ENV PATH=/opt/ansible/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title=$IMAGE ansible-core=$core
EOF

hash=$({
  cat "$0" "$WORK/Dockerfile"
  docker image inspect -f '{{.Id}}' "$base"
  (cd "$WORK/wheels" && ls)
} | sha256sum | cut -c1-12)
REF="$IMAGE:trixie-$hash"

say "the image $REF: ansible-core $core on $base"
build_image "$REF" 'trixie-[0-9a-f]{12}' "$WORK/build.log" env DOCKER_BUILDKIT=0 docker build -t "$REF" "$WORK"
docker tag "$REF" "$IMAGE:trixie"

# What the controller needs, asked of the image itself.
if ! inside=$(docker run --rm --network none "$REF" /bin/sh -c '
    set -e
    ansible --version | head -n 1
    python3 -c "import sys, netaddr; print(\"python\", sys.version.split()[0], \"netaddr\", netaddr.__version__)"
    for tool in ansible-test ssh; do command -v "$tool"; done' 2>&1); then
  printf '%s\n' "$inside" >&2
  die "$REF lacks what the controller needs"
fi
grep -qF "ansible [core $core]" <<<"$inside" || die "$REF does not run ansible-core $core: $inside"
! grep -q 'Warning' <<<"$inside" || die "ansible in $REF warns: $inside"
printf '%s\n' "$inside" | sed 's/^/    /' >&2
say "image $REF, $(image_size "$REF")"
printf '%s\n' "$REF"
