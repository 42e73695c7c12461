#!/usr/bin/env bash
# Packages the tests need on this machine: keepalived (for `keepalived -t` on rendered
# configurations only), iproute2 (network namespaces for that check) and the SSH client
# (the lab's key pair, and Ansible's way into the lab hosts).
# keepalived must never run here: VRRP runs only inside lab containers, so services are
# forbidden to start during the install, and the check fails if a keepalived runs.
set -euo pipefail
need=()
command -v keepalived >/dev/null || need+=(keepalived)
command -v ip >/dev/null || need+=(iproute2)
command -v setsid >/dev/null || need+=(util-linux)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> apt-get install ${need[*]} (services not started)"
  policy=/usr/sbin/policy-rc.d
  created=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
  [ -z "$created" ] || rm -f "$policy"
fi
# keepalived processes of lab containers live in other PID namespaces and are fine.
own=$(readlink /proc/self/ns/pid)
for pid in $(pgrep -x keepalived || true); do
  if [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$own" ]; then
    echo "ERROR: keepalived (pid $pid) runs on this machine; VRRP must run only in lab containers." >&2
    exit 1
  fi
done
