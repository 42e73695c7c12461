#!/usr/bin/env bash
# The base image of the execution environment, built without any registry: mmdebstrap a
# Debian 12 rootfs from the host's own apt sources (as lab/image.sh does for the lab hosts),
# with what ansible-builder's steps and an AWX job need, then `docker import` it.
#
#   lab/ee_base_image.sh REQUIREMENTS_FILE
#
# REQUIREMENTS_FILE: what pip installs during the EE build, one a line (lab/ee_pip.py reads
# them from ansible-builder's context). Tags: failover-keepalived-ee-base:bookworm-HASH
# (HASH = first 12 hex of sha256 over this script and the requirements) and
# failover-keepalived-ee-base:bookworm. An existing image of that HASH is reused. Progress
# goes to stderr; the last line on stdout is the image name.
#
# What ansible-builder (3.x) assumes of a base, and how this one meets it (see docs/awx.md):
# - PYCMD (default /usr/bin/python3) runs `-m ensurepip --root /` when it has no pip (its
#   pip_install step), then `-m pip install` into the image. Debian's system python has no
#   ensurepip (Debian disables it there; pip comes as python3-pip), and ansible-builder
#   sets PIP_BREAK_SYSTEM_PACKAGES=1 to get past PEP 668, which would mix PyPI's
#   ansible-core into Debian's python3 packages. So the image has a venv of Debian's
#   python3 at /opt/ee-python, first on PATH; the EE build passes
#   PYCMD=/opt/ee-python/bin/python3 (lab/ee_image.sh). In a venv ensurepip works, and
#   pip, ansible-core and ansible-runner go there, not into Debian's python.
# - a package manager at PKGMGR (default /usr/bin/dnf), which its scripts call to install
#   bindep packages and for `PKGMGR clean all`: the EE build passes PKGMGR=/usr/bin/apt-get
#   (`apt-get clean all` succeeds; this collection needs no system package).
# - pip reaching an index: containers here reach Debian's mirror but not PyPI (TLS does
#   not verify in them), so the image carries a wheelhouse of REQUIREMENTS and their
#   dependencies, downloaded by pip on this machine, and /etc/pip.conf points pip at it
#   with no index. Where the build's containers reach PyPI, none of this is needed.
# And what a job needs: ssh, ssh-agent and ssh-add (ansible-runner loads the machine
# credential's key into an agent in the container).
set -euo pipefail

IMAGE=failover-keepalived-ee-base
SUITE=bookworm
# the EE's Python: ansible-core 2.19 wants 3.11, Debian 12's python3
PYTHON_VERSION=3.11
GLIBC_MINOR=36
WHEELHOUSE=/usr/local/share/failover-keepalived-ee/wheels
VENV=/opt/ee-python
PACKAGES=python3,python3-venv,openssh-client,ca-certificates
SCRIPT=${BASH_SOURCE[0]}

# shellcheck source=lab/image_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/image_lib.sh"

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then die "usage: $0 REQUIREMENTS_FILE"; fi
REQUIREMENTS=$1
mapfile -t WANTED < <(grep -v '^[[:space:]]*$' "$REQUIREMENTS")
[ "${#WANTED[@]}" -gt 0 ] || die "$REQUIREMENTS names no requirement"
docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh"

HASH=$({ cat "$SCRIPT"; printf '%s\n' "$SUITE" "${WANTED[@]}"; } | sha256sum | cut -c1-12)
REF="$IMAGE:$SUITE-$HASH"

if docker image inspect "$REF" >/dev/null 2>&1; then
  docker tag "$REF" "$IMAGE:$SUITE"
  say "reusing existing image $REF (tagged $IMAGE:$SUITE too)"
  printf '%s\n' "$REF"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  say "installing mmdebstrap with apt ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q mmdebstrap >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q mmdebstrap >&2; } \
    || die "could not install mmdebstrap"
fi

PIP=${EE_PIP:-$(dirname "$SCRIPT")/../.venv/bin/pip}
[ -x "$PIP" ] || PIP=pip3
WORK=$(mktemp -d /var/tmp/failover-keepalived-ee-base.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

say "downloading wheels for Python $PYTHON_VERSION: ${WANTED[*]} ..."
start=$(date +%s)
# Binary wheels for the image's Python and glibc, whatever runs this: every manylinux tag
# that glibc 2.36 (Debian 12) accepts, the legacy names too (this pip does not widen them).
platforms=(--platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform manylinux2014_x86_64)
for minor in $(seq 5 "$GLIBC_MINOR"); do platforms+=(--platform "manylinux_2_${minor}_x86_64"); done
"$PIP" download --quiet --disable-pip-version-check --only-binary=:all: \
  --python-version "$PYTHON_VERSION" --implementation cp "${platforms[@]}" \
  -d "$WORK/wheels" "${WANTED[@]}" 2> >(grep -v 'is ignored' >&2) >&2 \
  || die "pip download failed for: ${WANTED[*]}"
say "$(find "$WORK/wheels" -name '*.whl' | wc -l) wheels ($(du -sh "$WORK/wheels" | cut -f1)) in $(($(date +%s) - start)) s"

cat >"$WORK/pip.conf" <<PIPCONF
# lab/ee_base_image.sh: the EE build's pip installs from this image's wheelhouse only
[global]
no-index = true
find-links = $WHEELHOUSE
PIPCONF

say "building $SUITE rootfs with mmdebstrap (packages: $PACKAGES) ..."
start=$(date +%s)
# shellcheck disable=SC2016
TMPDIR=$WORK mmdebstrap --variant=minbase --include="$PACKAGES" \
  --aptopt='Acquire::Languages "none"' \
  --aptopt='Acquire::Retries "3"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf" "$1"/var/log/*.log "$1"/var/log/apt/*' \
  --customize-hook="mkdir -p \"\$1$WHEELHOUSE\" && cp \"$WORK\"/wheels/*.whl \"\$1$WHEELHOUSE/\"" \
  --customize-hook="cp \"$WORK/pip.conf\" \"\$1/etc/pip.conf\"" \
  --customize-hook="chroot \"\$1\" /usr/bin/python3 -m venv $VENV" \
  "$SUITE" "$WORK/rootfs.tar" >&2 \
  || die "mmdebstrap failed for $SUITE"
say "rootfs built in $(($(date +%s) - start)) s ($(du -h "$WORK/rootfs.tar" | cut -f1))"

say "importing as $REF ..."
docker import \
  --change 'ENV LANG=C.UTF-8' \
  --change "ENV PATH=$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'CMD ["bash"]' \
  --change "LABEL org.opencontainers.image.title=$IMAGE suite=$SUITE script-hash=$HASH" \
  --message "lab/ee_base_image.sh ($HASH)" \
  "$WORK/rootfs.tar" "$REF" >/dev/null || die "docker import failed"
docker tag "$REF" "$IMAGE:$SUITE"
rm -f "$WORK/rootfs.tar"
# drop the images of older versions of this script or its requirements
drop_old_images "$REF" "$SUITE-[0-9a-f]{12}"
say "image $REF (also $IMAGE:$SUITE), $(image_size "$REF")"
printf '%s\n' "$REF"
