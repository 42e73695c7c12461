#!/usr/bin/env bash
# The execution environment image, built by ansible-builder from the collection's own
# execution-environment.yml, on a base built here from Debian packages
# (lab/ee_base_image.sh): the way AWX gets its EE, with no registry.
#
#   lab/ee_image.sh
#
# 1. ansible-galaxy collection build: the tarball the definition takes from build/dist
# 2. ansible-builder create (offline): the build context; lab/ee_pip.py reads from it
#    what pip installs during the build, lab/ee_base_image.sh makes (or reuses) the base
#    with those wheels
# 3. ansible-builder build --container-runtime docker, with three build args for the
#    Debian base (the definition is used as it is; docs/awx.md says why):
#      EE_BASE_IMAGE=failover-keepalived-ee-base:bookworm-HASH
#      PYCMD=/opt/ee-python/bin/python3   (the base's venv: Debian's python refuses ensurepip)
#      PKGMGR=/usr/bin/apt-get            (ansible-builder's scripts default to dnf)
# 4. a look inside: the collection installed, netaddr, ansible-core 2.19, ansible-runner
#
# Tags: failover-keepalived-ee:VERSION-HASH and failover-keepalived-ee:VERSION; HASH is
# over what makes the image: the definition, the collection's content (MANIFEST.json and
# FILES.json of the tarball: every file's sha256), the base image, ansible-builder's
# version, the build args and this script. An image of that HASH is reused without a
# build. Work files in build/ee; progress on stderr; the last line on stdout is the image.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BIN=${EE_BIN:-$ROOT/.venv/bin}
export PATH="$BIN:$PATH"
IMAGE=failover-keepalived-ee
DEFINITION=execution-environment.yml
VENV_PYTHON=/opt/ee-python/bin/python3
WORK=$ROOT/build/ee
# ansible-builder's Containerfile has several stages; the classic builder runs them in order
export DOCKER_BUILDKIT=0

# shellcheck source=lab/image_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/image_lib.sh"

docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh"
command -v ansible-builder >/dev/null || die "ansible-builder is missing: run make venv"

version=$("$BIN/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' galaxy.yml)
rm -rf "$WORK"
mkdir -p "$WORK/build/dist"

say "ansible-galaxy collection build ($version)"
# the repository's ansible.cfg would add .collections: only the tarball counts here
(unset ANSIBLE_CONFIG; ansible-galaxy collection build --output-path "$WORK/build/dist" . >/dev/null) \
  || die "ansible-galaxy collection build failed"
tarball="$WORK/build/dist/failover-keepalived-$version.tar.gz"
[ -f "$tarball" ] || die "$tarball was not built"
# The definition as it is in the repository, beside the tarball where it looks for it.
cp "$DEFINITION" "$WORK/$DEFINITION"

say "ansible-builder create (the build context)"
(cd "$WORK" && ansible-builder create -f "$DEFINITION" -c context --output-filename Containerfile >/dev/null) \
  || die "ansible-builder create failed"
"$BIN/python" -m lab.ee_pip requirements "$WORK/context" >"$WORK/requirements.txt" \
  || die "could not read the pip requirements of the build context"
say "the build installs with pip: $(tr '\n' ' ' <"$WORK/requirements.txt")"

base=$(lab/ee_base_image.sh "$WORK/requirements.txt" | tail -n 1)
[ -n "$base" ] || die "no base image"
BUILD_ARGS=(--build-arg "EE_BASE_IMAGE=$base" --build-arg "PYCMD=$VENV_PYTHON" --build-arg PKGMGR=/usr/bin/apt-get)

hash=$({
  cat "$0" "$DEFINITION"
  tar -xzOf "$tarball" MANIFEST.json FILES.json
  docker image inspect -f '{{.Id}}' "$base"
  ansible-builder --version
  printf '%s\n' "${BUILD_ARGS[@]}"
} | sha256sum | cut -c1-12)
REF="$IMAGE:$version-$hash"

say "the image $REF, on $base"
build_image "$REF" '[0-9.]+-[0-9a-f]{12}' "$WORK/build.log" env -C "$WORK" \
  ansible-builder build -v 3 --container-runtime docker -f "$DEFINITION" -c context -t "$REF" "${BUILD_ARGS[@]}"
docker tag "$REF" "$IMAGE:$version"

# What a job needs from the image, asked of the image itself.
say "checking the image: the collection, netaddr, ansible-core, ansible-runner"
if ! inside=$(docker run --rm --network none "$REF" /bin/sh -c '
    set -e
    ansible-galaxy collection list failover.keepalived 2>/dev/null | grep -E "^failover\.keepalived "
    python3 -c "import netaddr; print(\"netaddr\", netaddr.__version__)"
    ansible --version | head -n 1
    ansible-runner --version | sed "s/^/ansible-runner /"
    ansible-doc -t module failover.keepalived.vrrp_plan >/dev/null && echo "ansible-doc failover.keepalived.vrrp_plan"
    for tool in ssh ssh-agent ssh-add; do command -v "$tool"; done' 2>&1); then
  printf '%s\n' "$inside" >&2
  die "$REF lacks what a job needs"
fi
grep -qE "^failover\.keepalived +$version *\$" <<<"$inside" || die "$REF does not hold failover.keepalived $version: $inside"
grep -qF 'ansible [core 2.19.' <<<"$inside" || die "$REF does not run ansible-core 2.19: $inside"
! grep -q 'Warning' <<<"$inside" || die "ansible in $REF warns: $inside"
printf '%s\n' "$inside" | sed 's/^/    /' >&2
say "image $REF, $(image_size "$REF")"
printf '%s\n' "$REF"
