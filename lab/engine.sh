#!/usr/bin/env bash
# Ensure a Docker engine answers on this machine.
#
# - If `docker info` already answers: do nothing.
# - Else install docker.io (if dockerd is missing) and start dockerd in the
#   background (no systemd as PID 1 here), with its default bridge kept in
#   198.19.255.0/24 (the lab uses only 198.18.0.0/15), then wait for it.
set -euo pipefail

LOG=/var/log/failover-keepalived-dockerd.log
BIP=198.19.255.1/24
WAIT_SECONDS=60

say() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "Docker engine already answers: nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "no Docker engine answers and starting one needs root"

if ! command -v dockerd >/dev/null 2>&1; then
  say "installing docker.io with apt ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q docker.io; then
    say "install failed; running apt-get update and retrying ..."
    apt-get update -q || die "apt-get update failed"
    apt-get install -y -q docker.io || die "apt-get install docker.io failed"
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
fi
command -v docker >/dev/null 2>&1 || die "docker client missing (install docker.io)"

if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd is already running but not answering yet; waiting for it ..."
else
  say "starting Docker engine (dockerd --bip $BIP, log: $LOG) ..."
  # --default-address-pool keeps even a network created without a subnet in 198.18.0.0/15.
  setsid nohup dockerd --bip "$BIP" --default-address-pool base=198.19.0.0/17,size=24 >>"$LOG" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if engine_answers; then
    say "Docker engine answers ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done

die "Docker engine did not answer within ${WAIT_SECONDS}s; see $LOG"
