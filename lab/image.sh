#!/usr/bin/env bash
# Build the lab base image without any registry: mmdebstrap a Debian rootfs
# from the host's own Debian mirror, then `docker import` it.
#
#   lab/image.sh [bookworm|trixie]      (default: bookworm)
#
#   lab/image.sh --name [SUITE]         print the image name this work tree builds, build nothing
#
# Tags: failover-keepalived-lab:SUITE-HASH (HASH = first 12 hex of sha256 over
# this script, the suite and the lab's SSH public key) and failover-keepalived-lab:SUITE
# (same image). An existing SUITE-HASH image is reused. Progress goes to stderr; the last
# line on stdout is the image name.
#
# The image carries systemd (PID 1), python3 + python3-apt (Ansible), sudo,
# apt-utils, iproute2, curl, ping, procps, and sshd: Ansible reaches a lab host as a real
# host, over SSH as the user `ansible` (passwordless sudo, key login only) with the key
# pair build/lab-ssh/id_ed25519, made here once on this machine (never committed; its
# public key is baked in). build/lab-ssh links to one directory of the machine's
# (~/.cache/failover-keepalived/lab-ssh), so that every clone and work tree shares the key
# and so the images: a fresh clone builds none when the machine has them. Each container
# makes its own SSH host key at its first boot (ed25519 only: an RSA key takes seconds).
# keepalived and Apache are NOT in it: the roles install them, as on a real host. apt
# lists are NOT in the image: run `apt-get update` (or the apt module's update_cache)
# before installing.
#
# The mirror URIs come from the host's apt sources at build time (override with
# LAB_APT_MIRROR / LAB_APT_SECURITY_MIRROR); the image's sources are written
# for SUITE, SUITE-updates and SUITE-security.
set -euo pipefail

IMAGE=failover-keepalived-lab
NAME_ONLY=
if [ "${1:-}" = --name ]; then NAME_ONLY=1; shift; fi
SUITE=${1:-bookworm}
SCRIPT=${BASH_SOURCE[0]}
ROOT=$(cd "$(dirname "$SCRIPT")/.." && pwd)
# The lab's SSH key pair (inventories/lab, molecule/installed's second controller and
# molecule/ee log in with it as LAB_USER).
SSH_KEY=${LAB_SSH_KEY:-$ROOT/build/lab-ssh/id_ed25519}
LAB_USER=ansible

# shellcheck source=lab/image_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/image_lib.sh"

case "$SUITE" in
  bookworm | trixie) ;;
  *) die "unknown suite '$SUITE' (use bookworm or trixie)" ;;
esac

if [ -z "${LAB_SSH_KEY:-}" ] && [ ! -e "$ROOT/build/lab-ssh" ]; then
  SHARED_KEYS=${XDG_CACHE_HOME:-$HOME/.cache}/failover-keepalived/lab-ssh
  mkdir -p "$SHARED_KEYS" "$ROOT/build"
  chmod 700 "$SHARED_KEYS"
  ln -s "$SHARED_KEYS" "$ROOT/build/lab-ssh"
fi
if [ ! -s "$SSH_KEY" ] || [ ! -s "$SSH_KEY.pub" ]; then
  mkdir -p "$(dirname "$SSH_KEY")"
  chmod 700 "$(dirname "$SSH_KEY")"
  rm -f "$SSH_KEY" "$SSH_KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C "failover-keepalived-lab" -f "$SSH_KEY" >&2 \
    || die "ssh-keygen failed (is openssh-client installed?)"
  say "made the lab's SSH key pair $SSH_KEY"
fi

KEY_ID=$(sha256sum <"$SSH_KEY.pub" | cut -c1-12)
HASH=$({ cat "$SCRIPT"; printf '%s' "$SUITE"; cat "$SSH_KEY.pub"; } | sha256sum | cut -c1-12)
REF="$IMAGE:$SUITE-$HASH"

if [ -n "$NAME_ONLY" ]; then
  printf '%s\n' "$REF"
  exit 0
fi

docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh"

if docker image inspect "$REF" >/dev/null 2>&1; then
  docker tag "$REF" "$IMAGE:$SUITE"
  say "reusing existing image $REF (tagged $IMAGE:$SUITE too)"
  printf '%s\n' "$REF"
  exit 0
fi

# --- the host's Debian mirror URIs -------------------------------------------
# Prints "URI SUITE" for every enabled 'deb' entry of the host's apt sources
# (deb822 *.sources and one-line *.list files).
host_apt_entries() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
        types = ""; enabled = ""; nu = 0; ns = 0
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key)
        val = $0; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "types") types = val
        else if (key == "enabled") enabled = tolower(val)
        else if (key == "uris") nu = split(val, u, /[ \t]+/)
        else if (key == "suites") ns = split(val, s, /[ \t]+/)
      }
      END { flush() }
    ' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '
      $1 != "deb" { next }
      { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } }
      i + 1 <= NF { print $i, $(i + 1) }
    ' "$f"
  done
}

entries=$(host_apt_entries)
host_codename=$(sed -n 's/^VERSION_CODENAME=["'"'"']\{0,1\}\([a-z]*\).*/\1/p' /etc/os-release)
# the main mirror: the entry for the host's release (or for SUITE itself)
pick_uri() {  # pick_uri SUITE...: first URI listed for one of these suites
  local want
  for want in "$@"; do
    awk -v w="$want" '$2 == w { print $1; exit }' <<<"$entries" | grep . && return 0
  done
  return 1
}
MIRROR=${LAB_APT_MIRROR:-$(pick_uri "$SUITE" "$host_codename" || true)}
SECMIRROR=${LAB_APT_SECURITY_MIRROR:-$(pick_uri "$SUITE-security" "$host_codename-security" || true)}
[ -n "$MIRROR" ] || die "no Debian mirror found in the host's apt sources; set LAB_APT_MIRROR"
[ -n "$SECMIRROR" ] || die "no security mirror found in the host's apt sources; set LAB_APT_SECURITY_MIRROR"
MIRROR=${MIRROR%/}
SECMIRROR=${SECMIRROR%/}

if ! command -v mmdebstrap >/dev/null 2>&1; then
  say "installing mmdebstrap with apt ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q mmdebstrap >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q mmdebstrap >&2; } \
    || die "could not install mmdebstrap"
fi

WORK=$(mktemp -d /var/tmp/failover-keepalived-lab.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$WORK/debian.sources" <<SOURCES
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: $KEYRING

Types: deb
URIs: $SECMIRROR
Suites: $SUITE-security
Components: main
Signed-By: $KEYRING
SOURCES

printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$LAB_USER" >"$WORK/sudoers"
cat >"$WORK/sshd.conf" <<SSHD
# lab/image.sh: keys only, and only for $LAB_USER; the one host key each container makes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $LAB_USER
HostKey /etc/ssh/ssh_host_ed25519_key
SSHD
cat >"$WORK/ssh-hostkey.conf" <<'UNIT'
# lab/image.sh: the image holds no host key; a container makes its own before sshd's check
[Service]
ExecStartPre=
ExecStartPre=/bin/sh -c 'test -s /etc/ssh/ssh_host_ed25519_key || exec ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key'
ExecStartPre=/usr/sbin/sshd -t
UNIT

# Units that cannot work in a container (no consoles, read-only /sys, no
# kernel modules to load, ...); masked so that systemd reports "running".
MASK_UNITS="getty@.service console-getty.service serial-getty@.service \
systemd-remount-fs.service systemd-modules-load.service sys-kernel-config.mount \
sys-kernel-debug.mount sys-kernel-tracing.mount systemd-firstboot.service \
systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
systemd-hwdb-update.service systemd-journald-audit.socket \
e2scrub_all.timer e2scrub_reap.service fstrim.timer apt-daily.timer \
apt-daily-upgrade.timer"

# hooks run by mmdebstrap with the rootfs as $1 (single quotes on purpose)
# shellcheck disable=SC2016
HOOKS=(
  --customize-hook='for u in '"$MASK_UNITS"'; do ln -sf /dev/null "$1/etc/systemd/system/$u"; done'
  --customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf" "$1"/var/log/*.log "$1"/var/log/apt/*'
  # apt cleanup done here instead of by mmdebstrap (--skip=cleanup/apt): no
  # package lists in the image, and their directory dated 1970. With a fresh
  # mtime, Ansible's apt module (update_cache + cache_valid_time) takes the
  # empty cache for a valid one and fails with "No package matching ...".
  --customize-hook='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/archives/partial/*'
  --customize-hook='find "$1/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name lock ! -name partial -exec rm -rf {} +; rm -rf "$1"/var/lib/apt/lists/partial/*; touch -d @0 "$1/var/lib/apt/lists"'
  # SSH like a real host: the user, its sudo rule and key, sshd's settings, and no host
  # key in the image (every container makes its own at boot, before sshd's own check)
  --customize-hook='chroot "$1" useradd --create-home --shell /bin/bash --comment "Ansible (lab)" '"$LAB_USER"' && chroot "$1" usermod --password "*" '"$LAB_USER"
  --customize-hook='mkdir -m 700 "$1/home/'"$LAB_USER"'/.ssh"'
  --customize-hook="upload $SSH_KEY.pub /home/$LAB_USER/.ssh/authorized_keys"
  --customize-hook='chmod 600 "$1/home/'"$LAB_USER"'/.ssh/authorized_keys" && chroot "$1" chown -R '"$LAB_USER:$LAB_USER"' /home/'"$LAB_USER"'/.ssh'
  --customize-hook="upload $WORK/sudoers /etc/sudoers.d/$LAB_USER"
  --customize-hook='chmod 440 "$1/etc/sudoers.d/'"$LAB_USER"'" && chroot "$1" visudo -c -q -f /etc/sudoers.d/'"$LAB_USER"
  --customize-hook="upload $WORK/sshd.conf /etc/ssh/sshd_config.d/failover-lab.conf"
  --customize-hook='mkdir -p "$1/etc/systemd/system/ssh.service.d"'
  --customize-hook="upload $WORK/ssh-hostkey.conf /etc/systemd/system/ssh.service.d/failover-lab-hostkey.conf"
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*'
)

say "building $SUITE rootfs with mmdebstrap (mirror from the host's apt sources) ..."
start=$(date +%s)
TMPDIR=$WORK mmdebstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,iproute2,curl,ca-certificates,procps,iputils-ping,sudo,apt-utils,openssh-server \
  --aptopt='Acquire::Languages "none"' \
  --aptopt='Acquire::Retries "3"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --skip=cleanup/apt \
  "${HOOKS[@]}" \
  "$SUITE" "$WORK/rootfs.tar" "$WORK/debian.sources" >&2 \
  || die "mmdebstrap failed for $SUITE"
say "rootfs built in $(($(date +%s) - start)) s ($(du -h "$WORK/rootfs.tar" | cut -f1))"

say "importing as $REF ..."
docker import \
  --change 'CMD ["/lib/systemd/systemd"]' \
  --change 'ENV container=docker' \
  --change "LABEL org.opencontainers.image.title=$IMAGE suite=$SUITE script-hash=$HASH lab-ssh-key=$KEY_ID" \
  --message "lab/image.sh $SUITE ($HASH)" \
  "$WORK/rootfs.tar" "$REF" >/dev/null || die "docker import failed"
docker tag "$REF" "$IMAGE:$SUITE"
rm -f "$WORK/rootfs.tar"
# drop this suite's images from older versions of this script with the same key (kept if
# in use); another key's image is another work tree's, whose builds would otherwise
# remove this one's in turn
drop_old_images "$REF" "$SUITE-[0-9a-f]{12}" --filter "label=lab-ssh-key=$KEY_ID"
say "image $REF (also $IMAGE:$SUITE), $(image_size "$REF")"
printf '%s\n' "$REF"
