#!/usr/bin/env bash
# The two-host Docker lab behind `make lab`.
#
#   lab/lab.sh up        the lab's Docker network and one container a host, systemd as
#                        PID 1; idempotent
#   lab/lab.sh down      remove the containers and the network
#   lab/lab.sh status    who holds the VIP, and what http://VIP/ answers
#   lab/lab.sh failover  stop keepalived on the MASTER, time the takeover,
#                        start it again, time the preemption
#
# What the lab is comes from lab/spec.py: the hosts, their containers and addresses, the
# VIP and the network from inventories/lab (the inventory `make lab` deploys), each
# container's flags from lab/host.yml (Molecule's lab host too); the image is the one
# lab/image.sh builds from this work tree for ${LAB_SUITE:-bookworm} (with sshd and the
# user ansible: inventories/lab reaches the hosts over SSH). Only addresses in 198.18.0.0/15.
# The lab's Python tools run as the package lab, from the repository's root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# lab.spec reads YAML and plans with netaddr: the repo's venv (make venv) has both
PYTHON=${LAB_PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
SUITE=${LAB_SUITE:-bookworm}
BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-60}     # s, systemd boot in each container
PROBE_LIMIT=${LAB_PROBE_LIMIT:-15}       # s, each failover/preemption probe
PROBE_INTERVAL=0.02                      # s between probes
PROBE_TIMEOUT=0.2                        # s, timeout of each probe

spec() { "$PYTHON" -m lab.spec "$@"; }
# This work tree's image (its script and SSH key: lab/image.sh --name), not the SUITE tag,
# which another work tree's build may have moved to an image with another key.
IMAGE=$(lab/image.sh --name "$SUITE")
mapfile -t RUN_FLAGS < <(spec run-args)
[ "${#RUN_FLAGS[@]}" -gt 0 ] || { echo "ERROR: lab/spec.py run-args gave no flags" >&2; exit 1; }
# LAB_INVENTORY: another lab inventory of the same shape (bench/fleet.py's pairs)
TOPOLOGY=$(spec topology ${LAB_INVENTORY:+"$LAB_INVENTORY"})
HOSTS=()
declare -A IP=() CONTAINER=()
while read -r kind a b c; do
  case "$kind" in
    network) NET=$a SUBNET=$b GATEWAY=$c ;;
    vip) VIP=$a ;;
    host) HOSTS+=("$a"); CONTAINER[$a]=$b; IP[$a]=$c ;;
  esac
done <<<"$TOPOLOGY"

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
cname() { printf '%s' "${CONTAINER[$1]}"; }

need_engine() {
  docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh (or make lab)"
}

running() { [ "$(docker inspect -f '{{.State.Running}}' "$(cname "$1")" 2>/dev/null)" = true ]; }

need_lab() {
  need_engine
  local h
  for h in "${HOSTS[@]}"; do
    running "$h" || die "lab not up ($(cname "$h") is not running): run make lab"
  done
}

# page served on the VIP, empty if it does not answer (one GET with lab/probe.py, the
# prober of every lab check)
probe() {
  "$PYTHON" -m lab.probe --url "http://$VIP/" --once --timeout "$PROBE_TIMEOUT" 2>/dev/null || true
}

# the hosts whose container holds the VIP, one a line (lab/vip_holders.py)
vip_holders() {
  local h pairs=()
  for h in "${HOSTS[@]}"; do pairs+=("$h=$(cname "$h")"); done
  "$PYTHON" -m lab.vip_holders "$VIP" "${pairs[@]}"
}

# ---------------------------------------------------------------------------
ensure_network() {
  local subnet
  if subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' "$NET" 2>/dev/null); then
    [ "$subnet" = "$SUBNET $GATEWAY" ] \
      || die "network $NET exists with '$subnet', expected '$SUBNET $GATEWAY': run lab/lab.sh down first"
    say "network $NET ($SUBNET) exists"
  else
    say "creating network $NET ($SUBNET, gateway $GATEWAY) ..."
    docker network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" "$NET" >/dev/null
  fi
}

ensure_container() {
  local h=$1 c spec have
  c=$(cname "$h")
  # everything that defines the container; a change means recreate it
  spec=$(printf '%s\n' "$(docker image inspect -f '{{.Id}}' "$IMAGE")" "$h" "${IP[$h]}" "$NET" "${RUN_FLAGS[@]}" \
    | sha256sum | cut -c1-16)
  if have=$(docker inspect -f '{{index .Config.Labels "failover-lab.spec"}}' "$c" 2>/dev/null); then
    if [ "$have" != "$spec" ]; then
      say "$c: image or settings changed: recreating ..."
      docker rm -f "$c" >/dev/null
    elif running "$h"; then
      say "$c: running (reused)"
      return 0
    else
      say "$c: starting stopped container ..."
      docker start "$c" >/dev/null
      return 0
    fi
  fi
  say "$c: creating ($IMAGE, ${IP[$h]}) ..."
  docker run -d --name "$c" --hostname "$h" \
    --network "$NET" --ip "${IP[$h]}" \
    --label "failover-lab.spec=$spec" \
    "${RUN_FLAGS[@]}" "$IMAGE" >/dev/null
}

wait_systemd() {
  local h=$1 c state="" i
  c=$(cname "$h")
  for ((i = 0; i < BOOT_TIMEOUT * 4; i++)); do
    state=$(docker exec "$c" systemctl is-system-running 2>/dev/null || true)
    case "$state" in
      running)
        say "$c: systemd running"
        return 0
        ;;
      degraded)
        say "$c: systemd degraded; failed units:"
        docker exec "$c" systemctl --failed --no-legend --plain || true
        return 0
        ;;
    esac
    sleep 0.25
  done
  die "$c: systemd not up after ${BOOT_TIMEOUT}s (state '${state:-none}'); see: docker logs $c"
}

cmd_up() {
  need_engine
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE missing: run lab/image.sh $SUITE"
  ensure_network
  local h
  for h in "${HOSTS[@]}"; do ensure_container "$h"; done
  for h in "${HOSTS[@]}"; do wait_systemd "$h"; done
  say "lab up: ${HOSTS[*]} on $NET; deploy with: ansible-playbook -i inventories/lab/hosts.yml ..."
}

cmd_down() {
  need_engine
  local h c
  for h in "${HOSTS[@]}"; do
    c=$(cname "$h")
    if docker inspect "$c" >/dev/null 2>&1; then
      say "removing $c ..."
      docker rm -f "$c" >/dev/null
    fi
  done
  if docker network inspect "$NET" >/dev/null 2>&1; then
    say "removing network $NET ..."
    docker network rm "$NET" >/dev/null
  fi
  say "lab down"
}

cmd_status() {
  need_lab
  local h holders page state
  echo "VIP: $VIP"
  for h in "${HOSTS[@]}"; do
    state=$(docker exec "$(cname "$h")" systemctl is-active keepalived 2>/dev/null || true)
    printf '  %-5s %-13s keepalived: %s\n' "$h" "${IP[$h]}" "${state:-unknown}"
  done
  holders=$(vip_holders)
  case "$(grep -c . <<<"$holders" || true)" in
    0) echo "held by: nobody" ;;
    1) echo "held by: $holders" ;;
    *) echo "held by: $(tr '\n' ' ' <<<"$holders")(DUPLICATE: more than one host holds the VIP)" ;;
  esac
  page=$(probe)
  if [ -z "$page" ]; then
    echo "http://$VIP/: no answer"
    die "the VIP does not answer: deploy the roles (make lab), then check keepalived and apache2 (docker exec $(cname web1) systemctl status keepalived apache2)"
  fi
  echo "http://$VIP/ answers: $page"
}

# probe_move NAME FAULT: run the command FAULT while lab/probe.py (the probe of the
# benchmark and the scenarios) probes the VIP; prints "ELAPSED_MS FAILED_PROBES" once the
# page names host NAME (ELAPSED_MS from FAULT's start), returns 1 when it does not within
# PROBE_LIMIT s or FAULT fails. Bounded by probe.py itself.
probe_move() {
  local out rc=0
  out=$("$PYTHON" -m lab.probe --url "http://$VIP/" --expect "$1" \
          --within "$PROBE_LIMIT" --fault "$2" --interval "$PROBE_INTERVAL" \
          --timeout "$PROBE_TIMEOUT" --settle 1 --grace 0.1) || rc=$?
  "$PYTHON" -c 'import json, sys
r = json.loads(sys.stdin.readline())
if r["took_ms"] is not None:
    print("%d %d" % (round(r["took_ms"]), r["failed"]))' <<<"$out" || rc=1
  return "$rc"
}

cmd_failover() {
  need_lab
  local holders master backup h result rc
  holders=$(vip_holders)
  case "$(grep -c . <<<"$holders" || true)" in
    0) die "no container holds the VIP $VIP: deploy the roles first (make lab), then check lab/lab.sh status" ;;
    1) master=$holders ;;
    *) die "more than one container holds the VIP ($(tr '\n' ' ' <<<"$holders")): restart keepalived on both" ;;
  esac
  for h in "${HOSTS[@]}"; do [ "$h" = "$master" ] || backup=$h; done
  grep -qw -- "$master" <<<"$(probe)" \
    || die "http://$VIP/ does not answer with '$master' (the MASTER): check lab/lab.sh status"
  say "MASTER is $master, BACKUP is $backup; http://$VIP/ answers from $master"

  say "stopping keepalived on $master; probing http://$VIP/ every ${PROBE_INTERVAL}s (limit ${PROBE_LIMIT}s) ..."
  result=$(probe_move "$backup" "docker exec $(cname "$master") systemctl stop keepalived") || rc=$?
  [ "${rc:-0}" -eq 0 ] \
    || die "$backup did not answer on the VIP within ${PROBE_LIMIT}s: check keepalived on $backup (journalctl -u keepalived); start it again on $master with: docker exec $(cname "$master") systemctl start keepalived"
  say "failover: $backup answers after ${result% *} ms (${result#* } failed probes)"

  say "starting keepalived on $master; waiting for it to take the VIP back (preemption) ..."
  result=$(probe_move "$master" "docker exec $(cname "$master") systemctl start keepalived") || rc=$?
  [ "${rc:-0}" -eq 0 ] \
    || die "$master did not take the VIP back within ${PROBE_LIMIT}s (nopreempt or preempt_delay configured?): check lab/lab.sh status"
  say "preemption: $master answers again after ${result% *} ms (${result#* } failed probes)"
}

usage() {
  echo "usage: $0 up|down|status|failover   (LAB_SUITE=bookworm|trixie, default bookworm)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  failover) cmd_failover ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
