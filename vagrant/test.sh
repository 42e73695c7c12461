#!/usr/bin/env bash
# The Vagrant lab end to end (make vagrant-test), the seed's workflow with the collection:
#
#   1. vagrant validate with the docker, virtualbox and libvirt providers (no VM is
#      started for virtualbox/libvirt: no box can be downloaded here), plus a negative
#      control showing that the virtualbox/libvirt settings really are validated
#   2. vagrant up --provider=docker     NODE_COUNT=2 in 198.18.56.0/24; site.yml runs
#                                       from the Vagrantfile's trigger
#   3. http://198.18.56.69/             answers web1 (the planned MASTER; lab/probe.py)
#   4. vagrant halt web1                the VIP moves: web2 answers (time printed)
#   5. vagrant up web1                  preemption: web1 answers again (time printed)
#   6. vagrant destroy -f               no container and no network of the lab remains
#
# Needs: vagrant (+ the vagrant-libvirt plugin for step 1), a Docker engine, the image
# failover-keepalived-lab:bookworm, the repo's venv and collection link: `make
# vagrant-test` provides them all. Every wait is bounded; the lab is destroyed on exit
# whatever happens. Only 198.18.56.0/24 is used (and Docker's default bridge).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# The lab's Python tools run as the package lab (python -m lab.X) from the repository's root.
cd "$REPO"

export VAGRANT_CWD=$HERE
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_BOX_UPDATE_CHECK_DISABLE=1
export NODE_COUNT=2
export FAILOVER_SUBNET=198.18.56.0/24
# Every vagrant command of the lab uses docker (with vagrant-libvirt installed and no
# VirtualBox, Vagrant would otherwise pick libvirt for `vagrant destroy` and fail).
export VAGRANT_DEFAULT_PROVIDER=docker
unset VAGRANT_DOTFILE_PATH FAILOVER_NAME_PREFIX FAILOVER_IMAGE FAILOVER_IFACE FAILOVER_BOX

VIP=198.18.56.69
NAMES=(web1 web2)
PREFIX=failover-vagrant                          # the Vagrantfile's container names
NETWORK="vagrant_network_$FAILOVER_SUBNET"       # what Vagrant names the private network
PY=.venv/bin/python
# Master_Down_Interval of the BACKUP (ms), from the plan of the inventory the Vagrantfile
# wrote (vagrant/.vagrant/failover-inventory.yml): a failover faster than that means
# web1's keepalived sent its priority-0 advert. Read after vagrant up.
MASTER_DOWN_MS=

UP_TIMEOUT=${VAGRANT_TEST_UP_TIMEOUT:-1800}       # s, vagrant up (apt in the containers)
CMD_TIMEOUT=300                                  # s, any other vagrant command
FAILOVER_WITHIN=30                               # s, vagrant halt web1 -> web2 answers
PREEMPT_WITHIN=180                               # s, vagrant up web1 -> web1 answers

say() { printf '==> %s\n' "$*"; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
TIMINGS=()
timing() { TIMINGS+=("$(printf '%-42s %s' "$1" "$2")"); }

# --- pre-flight ------------------------------------------------------------------------
command -v vagrant >/dev/null || die "vagrant is not installed (make vagrant-test installs it with apt)"
docker info >/dev/null 2>&1 || die "no Docker engine answers: run lab/engine.sh"
[ -x "$REPO/.venv/bin/ansible-playbook" ] || die "no $REPO/.venv/bin/ansible-playbook: run make venv"
IMAGE=$($PY -m lab.spec image) || die "python -m lab.spec image failed"  # as the Vagrantfile
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE missing: run lab/image.sh bookworm"
[ -e "$REPO/.collections/ansible_collections/failover/keepalived" ] || die "collection link missing: run make collection"
$PY - "$FAILOVER_SUBNET" <<'EOF' || die "FAILOVER_SUBNET $FAILOVER_SUBNET is not inside 198.18.0.0/15"
import ipaddress, sys
sys.exit(0 if ipaddress.ip_network(sys.argv[1]).subnet_of(ipaddress.ip_network('198.18.0.0/15')) else 1)
EOF

# a Docker network of someone else in our subnet would be reused by Vagrant: refuse
while read -r name subnets; do
  [ "$name" = "$NETWORK" ] && continue
  for s in $subnets; do
    if $PY -c 'import ipaddress,sys; a,b=(ipaddress.ip_network(x, strict=False) for x in sys.argv[1:]); sys.exit(0 if a.overlaps(b) else 1)' "$s" "$FAILOVER_SUBNET" 2>/dev/null; then
      die "Docker network '$name' ($s) overlaps $FAILOVER_SUBNET: remove it or free the subnet"
    fi
  done
done < <(docker network ls -q | xargs -r docker network inspect -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}} {{end}}')

containers_left() {  # our containers that exist, one per line
  local n
  for n in "${NAMES[@]}"; do
    docker container inspect "$PREFIX-$n" >/dev/null 2>&1 && printf '%s\n' "$PREFIX-$n"
  done
  return 0
}

cleanup_leftovers() {  # containers and network of this lab only (exact names)
  local c
  for c in $(containers_left); do
    say "removing leftover container $c"
    docker rm -f "$c" >/dev/null || true
  done
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    if [ -z "$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$NETWORK")" ]; then
      say "removing leftover network $NETWORK"
      docker network rm "$NETWORK" >/dev/null || true
    else
      die "network $NETWORK is in use by other containers: $(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$NETWORK")"
    fi
  fi
}

DESTROYED=0
on_exit() {
  local rc=$?
  unset VAGRANT_DOTFILE_PATH
  rm -rf "${VALIDATE_DOT:-}" "${NEG:-}"
  if [ "$DESTROYED" != 1 ]; then
    say "cleanup: vagrant destroy -f"
    timeout "$CMD_TIMEOUT" vagrant destroy -f >/dev/null 2>&1 || echo "WARNING: vagrant destroy -f failed" >&2
    cleanup_leftovers || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "vagrant-test: FAILED (exit $rc)" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# vip_holders: containers whose eth1 carries the VIP
# the hosts whose container holds the VIP, as "web1 " (lab/vip_holders.py)
vip_holders() {
  local n pairs=()
  for n in "${NAMES[@]}"; do pairs+=("$n=$PREFIX-$n"); done
  $PY -m lab.vip_holders "$VIP" "${pairs[@]}" | tr '\n' ' '
}

# probe EXPECT WITHIN [FAULT]: lab/probe.py, one JSON line; sets P_TOOK, P_OUTAGE, P_FAILED
probe() {
  local out rc=0
  out=$($PY -m lab.probe --url "http://$VIP/" --expect "$1" --within "$2" --interval 0.02 \
    --timeout 0.2 ${3:+--fault "$3"}) || rc=$?
  echo "    probe: $out"
  read -r P_TOOK P_OUTAGE P_FAILED < <($PY -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["took_ms"], r["outage_ms"], r["failed"])' "$out") || true
  return "$rc"
}

t_all=$(now)
say "Vagrant $(vagrant --version | awk '{print $2}'), Docker $(docker info --format '{{.ServerVersion}}'), image $IMAGE, subnet $FAILOVER_SUBNET, NODE_COUNT=$NODE_COUNT"
say "clearing anything left by an earlier run"
timeout "$CMD_TIMEOUT" vagrant destroy -f >/dev/null 2>&1 || true
cleanup_leftovers

# --- 1. vagrant validate ---------------------------------------------------------------
# (with a throwaway .vagrant: validating for a provider leaves machine folders for it)
t=$(now)
VALIDATE_DOT=$(mktemp -d /tmp/failover-vagrant-validate.XXXXXX)
export VAGRANT_DOTFILE_PATH=$VALIDATE_DOT
say "vagrant validate (docker)"
VAGRANT_DEFAULT_PROVIDER=docker timeout "$CMD_TIMEOUT" vagrant validate || die "vagrant validate failed with the docker provider"

say "vagrant validate (virtualbox)"
if command -v VBoxManage >/dev/null 2>&1; then
  VAGRANT_DEFAULT_PROVIDER=virtualbox timeout "$CMD_TIMEOUT" vagrant validate \
    || die "vagrant validate failed with the virtualbox provider"
  VB_VALIDATE=(vagrant validate)
else
  # The virtualbox provider is built into Vagrant but reports itself unusable without
  # VBoxManage, and plain `vagrant validate` stops there. --ignore-provider still
  # validates each machine's config with the virtualbox override merged in (box,
  # private network, ansible provisioner); only the `vb.*` settings are skipped.
  out=$(VAGRANT_DEFAULT_PROVIDER=virtualbox timeout "$CMD_TIMEOUT" vagrant validate 2>&1) \
    && die "vagrant validate passed without VirtualBox installed: unexpected, check the test"
  grep -q "could not detect VirtualBox" <<<"$out" || die "vagrant validate (virtualbox) failed for another reason than missing VirtualBox: $out"
  echo "    (no VBoxManage here: plain validate says 'Vagrant could not detect VirtualBox!'; using --ignore-provider)"
  VAGRANT_DEFAULT_PROVIDER=virtualbox timeout "$CMD_TIMEOUT" vagrant validate --ignore-provider \
    || die "vagrant validate --ignore-provider failed with the virtualbox provider"
  VB_VALIDATE=(vagrant validate --ignore-provider)
fi

say "vagrant validate (libvirt)"
plugins=$(vagrant plugin list 2>/dev/null || true)
grep -q '^vagrant-libvirt ' <<<"$plugins" \
  || die "the vagrant-libvirt plugin is missing, and without it Vagrant cannot validate (even with --ignore-provider: \"The provider 'libvirt' could not be found\"): apt-get install --no-install-recommends vagrant-libvirt (make vagrant-test does)"
# vagrant-libvirt validates its config without a libvirt daemon or connection.
VAGRANT_DEFAULT_PROVIDER=libvirt timeout "$CMD_TIMEOUT" vagrant validate \
  || die "vagrant validate failed with the libvirt provider"

say "negative control: a Vagrantfile with a bad ansible provisioner setting must NOT validate"
NEG=$(mktemp -d /tmp/failover-vagrant-neg.XXXXXX)
mkdir -p "$NEG/vagrant"
sed 's/a.compatibility_mode = "2.0"/a.compatibility_mode = "9.9"/' "$HERE/Vagrantfile" >"$NEG/vagrant/Vagrantfile"
for p in virtualbox libvirt; do
  if [ "$p" = virtualbox ]; then cmd=("${VB_VALIDATE[@]}"); else cmd=(vagrant validate); fi
  out=$(cd "$NEG/vagrant" && VAGRANT_CWD="$NEG/vagrant" VAGRANT_DEFAULT_PROVIDER=$p timeout "$CMD_TIMEOUT" "${cmd[@]}" 2>&1) \
    && { rm -rf "$NEG"; die "$p: '${cmd[*]}' accepted a bad compatibility_mode: it does not validate the $p settings"; }
  grep -q "compatibility_mode" <<<"$out" || { rm -rf "$NEG"; die "$p: the bad Vagrantfile failed for another reason: $out"; }
  echo "    $p: '${cmd[*]}' rejects it (compatibility_mode)"
done
rm -rf "$NEG" "$VALIDATE_DOT"
unset VAGRANT_DOTFILE_PATH
timing "vagrant validate x3 + negative control" "$(since "$t") s"

# --- 2. vagrant up ---------------------------------------------------------------------
say "vagrant up --provider=docker (site.yml runs from the trigger after web2)"
t=$(now)
timeout "$UP_TIMEOUT" vagrant up --provider=docker || die "vagrant up --provider=docker failed (or took over ${UP_TIMEOUT}s)"
timing "vagrant up --provider=docker" "$(since "$t") s"
MASTER_DOWN_MS=$($PY -m lab.spec backup-down-ms "$HERE/.vagrant/failover-inventory.yml") \
  || die "cannot plan $HERE/.vagrant/failover-inventory.yml"
echo "    the plan's Master_Down_Interval of the BACKUP: ${MASTER_DOWN_MS} ms"

say "vagrant status"
timeout "$CMD_TIMEOUT" vagrant status || die "vagrant status failed"
for n in "${NAMES[@]}"; do
  addr=$(docker exec "$PREFIX-$n" ip -o -4 addr show dev eth1 2>/dev/null | grep -v " $VIP/" | awk '{print $4}') \
    || die "$PREFIX-$n has no eth1 (private_network)"
  echo "    $n ($PREFIX-$n): eth1 $addr, hostname $(docker exec "$PREFIX-$n" hostname)"
done

# --- 3. the VIP answers web1 -------------------------------------------------------------
say "lab/probe.py http://$VIP/ (expect web1, within 30 s)"
probe web1 30 || die "http://$VIP/ does not answer web1 within 30 s (holders: $(vip_holders)); see: docker exec $PREFIX-web1 journalctl -u keepalived"
echo "    http://$VIP/ answers web1 after ${P_TOOK} ms   (VIP on: $(vip_holders))"
[ "$(vip_holders)" = "web1 " ] || die "the VIP should be on web1 only, it is on: $(vip_holders)"

# --- 4. vagrant halt web1 ----------------------------------------------------------------
say "vagrant halt web1 while probing http://$VIP/ every 20 ms (expect web2 within ${FAILOVER_WITHIN}s)"
t=$(now)
probe web2 "$FAILOVER_WITHIN" "vagrant halt web1" \
  || die "web2 did not answer on http://$VIP/ within ${FAILOVER_WITHIN}s of 'vagrant halt web1' (holders: $(vip_holders))"
timing "vagrant halt web1 (probe run)" "$(since "$t") s"
timing "  'vagrant halt web1' -> web2 answers" "$P_TOOK ms"
timing "  outage seen by clients (failover)" "$P_OUTAGE ms ($P_FAILED failed probes)"
state=$(docker inspect -f '{{.State.Status}} exit={{.State.ExitCode}}' "$PREFIX-web1")
echo "    failover: web2 answers ${P_TOOK} ms after 'vagrant halt web1' started; clients saw ${P_OUTAGE} ms without an answer"
echo "    $PREFIX-web1 after halt: $state (exit 0: systemd shut down cleanly within the stop timeout)"
case "$state" in
  "exited exit=0") ;;
  *) die "$PREFIX-web1 should have exited cleanly after vagrant halt, it is: $state" ;;
esac
if awk -v o="$P_OUTAGE" -v m="$MASTER_DOWN_MS" 'BEGIN { exit !(o < m) }'; then
  echo "    outage ${P_OUTAGE} ms < Master_Down_Interval ${MASTER_DOWN_MS} ms: keepalived on web1 stopped gracefully (priority-0 advert)"
else
  die "outage ${P_OUTAGE} ms >= Master_Down_Interval ${MASTER_DOWN_MS} ms: web1's keepalived did not stop gracefully on 'vagrant halt'"
fi
[ "$(vip_holders)" = "web2 " ] || die "after halt the VIP should be on web2 only, it is on: $(vip_holders)"
status=$(timeout "$CMD_TIMEOUT" vagrant status web1) || die "vagrant status web1 failed"
grep -q 'stopped (docker)' <<<"$status" || die "vagrant status web1 is not 'stopped (docker)': $status"

# --- 5. vagrant up web1 ------------------------------------------------------------------
say "vagrant up web1 (preemption: expect web1 again within ${PREEMPT_WITHIN}s)"
t=$(now)
probe web1 "$PREEMPT_WITHIN" "vagrant up web1" \
  || die "web1 did not take the VIP back within ${PREEMPT_WITHIN}s of 'vagrant up web1' (holders: $(vip_holders))"
timing "vagrant up web1 (probe run)" "$(since "$t") s"
timing "  'vagrant up web1' -> web1 answers" "$P_TOOK ms ($P_FAILED failed probes)"
echo "    preemption: web1 answers ${P_TOOK} ms after 'vagrant up web1' started (${P_FAILED} failed probes)"
holders=""
for _ in $(seq 1 40); do   # web2 drops the VIP on web1's first advert; allow 10 s
  holders=$(vip_holders)
  [ "$holders" = "web1 " ] && break
  sleep 0.25
done
[ "$holders" = "web1 " ] || die "after 'vagrant up web1' the VIP should be on web1 only, it is on: $holders"
echo "    VIP on: $holders; web2 is BACKUP again"

# --- 6. vagrant destroy -f ---------------------------------------------------------------
say "vagrant destroy -f"
t=$(now)
timeout "$CMD_TIMEOUT" vagrant destroy -f || die "vagrant destroy -f failed"
DESTROYED=1
timing "vagrant destroy -f" "$(since "$t") s"
left=$(containers_left)
[ -z "$left" ] || die "containers left after vagrant destroy -f: $left"
docker network inspect "$NETWORK" >/dev/null 2>&1 && die "network $NETWORK left after vagrant destroy -f"
echo "    no container $PREFIX-web* and no network $NETWORK remain"

echo
say "vagrant-test: all passed in $(since "$t_all") s"
printf '    %s\n' "${TIMINGS[@]}"
