# shellcheck shell=bash
# What the image scripts share (lab/image.sh, lab/ee_base_image.sh, lab/ee_image.sh,
# lab/controller_image.sh), sourced by each. Progress goes to stderr: the scripts print
# only the image's name on stdout.

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# drop_old_images REF TAG_REGEX [docker image ls options...]: remove the images of
# REF's repository whose tag matches TAG_REGEX (a whole tag: the earlier inputs of the
# script that built REF), except REF itself; one that a container uses is kept.
drop_old_images() {
  local ref=$1 tags=$2 repo=${1%%:*} old
  shift 2
  docker image ls "$@" --format '{{.Repository}}:{{.Tag}}' "$repo" | grep -E "^$repo:$tags\$" \
    | grep -vxF "$ref" | while read -r old; do
    if docker rmi "$old" >/dev/null 2>&1; then say "removed old image $old"; fi
  done || true
}

# build_image REF TAG_REGEX LOG COMMAND...: reuse the image REF when it exists; else run
# COMMAND (which builds it) with its output in LOG, die with LOG's end when it fails, and
# drop the images of earlier inputs (drop_old_images REF TAG_REGEX).
build_image() {
  local ref=$1 tags=$2 log=$3 start
  shift 3
  if docker image inspect "$ref" >/dev/null 2>&1; then
    say "reusing existing image $ref"
    return
  fi
  say "building $ref (log in $log) ..."
  start=$(date +%s)
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "building $ref failed (whole log: $log)"
  fi
  say "built in $(($(date +%s) - start)) s"
  drop_old_images "$ref" "$tags"
}

# image_size REF: the image's size, e.g. "412 MB"
image_size() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}'; }
