#!/usr/bin/env bash
# make test: every test, in stages, with a table of what each stage took at the end.
#
#   set-up   the venv, host packages, Docker engine and lab images (make venv ... images)
#   static   unit, lint, sanity and build, and the Vagrant lab (make vagrant-test: two
#            containers, bounds of tens of seconds), side by side (none waits on another)
#   molecule every scenario under molecule/, MOLECULE_JOBS at a time (default 2), the
#            longest first, and bad_input beside them, niced; then lifecycle alone; each
#            has its own containers and network
#
# Each stage's output goes to build/test/STAGE.log; a stage that fails prints its log and
# stops the suite (after the stages running beside it end). The table gives each stage's
# time and the machine's mean load average while it ran (sampled every 10 s into
# build/test/load.log), and the share of the machine's CPU time that was busy over the
# suite (/proc/stat): what a slower stage waited for.
#
# It runs everything, whatever the environment says: the selectors of a partial run
# (STAGES, MOLECULE_SCENARIOS, and the scenarios' own FAULTS_STEPS and BAD_INPUT_CASES) are
# ignored, said so, and removed from the environment of every stage. A part runs with its
# own target (make unit, make lint, molecule test -s NAME, ...), never as a green make test.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

LOGS=build/test
JOBS=${MOLECULE_JOBS:-2}
for selector in STAGES MOLECULE_SCENARIOS FAULTS_STEPS BAD_INPUT_CASES; do
  if [ -n "${!selector:-}" ]; then
    echo "==> make test runs everything: $selector=${!selector} ignored"
  fi
  unset "$selector"
done
# Longest first, so that the short ones fill in beside them (seconds measured on a quiet
# 2-core machine; a scenario not listed here runs last).
ORDER=(faults events installed ee fleet load_balancer firewall default three_nodes active_active ipv6)
# Beside the pool, from its start: scenarios that check messages and files, never timing,
# and run their many playbooks niced (molecule/bad_input/batch.yml), so that they take the
# CPU the timed scenarios leave.
BESIDE=(bad_input)
# Alone, after the pool and the scenarios beside it: lifecycle's fast profile (20 ms adverts,
# a Master_Down_Interval of about 72 ms) flaps by itself when the two cores are saturated
# (measured beside faults and bad_input at a load of 12: 75 samples with two VIP holders, all
# in its fast steps, none after its switch to the seed's timers); alone it has none.
ALONE=(lifecycle)
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.rc

declare -a ROWS=()
suite_start=$(date +%s)
failed=

now() { date +%s; }
row() { ROWS+=("$(printf '| %-28s | %-6s | %7s | %5s |' "$1" "$2" "$3" "$4")"); }
# cpu_jiffies: busy and total jiffies of the machine so far (/proc/stat's first line)
cpu_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9; exit}' /proc/stat; }
# mean_load FROM TO: the mean of the load samples taken in [FROM, TO]
mean_load() {
  awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b {s += $2; n++} END {if (n) printf "%.1f", s / n; else printf "-"}' \
    "$LOGS/load.log"
}
fmt() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

read -r busy0 total0 < <(cpu_jiffies)
# the load sampler: every 10 s, at most 6 h (killed when the suite ends)
( for _ in $(seq 2160); do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)"; sleep 10; done ) >"$LOGS/load.log" &
sampler=$!
disown "$sampler"  # not a stage: collect's wait -n must not wait for it
trap 'kill "$sampler" 2>/dev/null' EXIT

# run NAME CMD...: one stage in the background, output in $LOGS/NAME.log, exit code and
# seconds in $LOGS/NAME.rc
run() {
  local name=$1; shift
  (
    start=$(now)
    "$@" >"$LOGS/$name.log" 2>&1
    rc=$?
    echo "$rc $(($(now) - start)) $start" >"$LOGS/$name.rc"
  ) &
}

# collect NAME...: wait for these stages, add their rows, print the log of each failure
collect() {
  local name rc secs start
  for name in "$@"; do
    while [ ! -f "$LOGS/$name.rc" ]; do wait -n 2>/dev/null || sleep 1; done
    read -r rc secs start <"$LOGS/$name.rc"
    if [ "$rc" -eq 0 ]; then
      row "$name" passed "$(fmt "$secs")" "$(mean_load "$start" $((start + secs)))"
      echo "==> $name: passed in $(fmt "$secs")"
      # pytest's own closing line, for whoever reads this output
      [ "$name" != unit ] || grep -E '^[0-9]+ passed' "$LOGS/$name.log" | tail -n 1
    else
      row "$name" FAILED "$(fmt "$secs")" "$(mean_load "$start" $((start + secs)))"
      echo "==> $name: FAILED (exit $rc) after $(fmt "$secs"); its output:" >&2
      tail -n 150 "$LOGS/$name.log" >&2
      failed="$failed $name"
    fi
  done
}

table() {
  echo
  echo "==> make test: time per stage (logs in $LOGS/)"
  printf '| %-28s | %-6s | %7s | %5s |\n' stage result time load
  printf '|%s|%s|%s|%s|\n' "------------------------------" "--------" "---------" "-------"
  printf '%s\n' "${ROWS[@]}"
  printf '| %-28s | %-6s | %7s | %5s |\n' total "$([ -z "$failed" ] && echo passed || echo FAILED)" \
    "$(fmt $(($(now) - suite_start)))" "$(mean_load "$suite_start" "$(now)")"
  read -r busy1 total1 < <(cpu_jiffies)
  echo "CPU busy over the suite: $(( (busy1 - busy0) * 100 / (total1 - total0 + 1) ))% of $(nproc) cores"
  echo "(load: the mean 1-minute load average while the stage ran)"
}

run setup make --no-print-directory venv collection host-deps images
collect setup

if [ -z "$failed" ]; then
  for s in unit lint sanity build; do run "$s" make --no-print-directory "$s"; done
  run vagrant make --no-print-directory vagrant-test
  collect unit lint sanity build vagrant
fi

if [ -z "$failed" ]; then
  wanted=$(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml | cut -d/ -f2 | sort)
  queue=()
  beside=()
  for s in "${BESIDE[@]}"; do [[ " ${wanted//$'\n'/ } " == *" $s "* ]] && beside+=("$s"); done
  for s in "${ORDER[@]}"; do [[ " ${wanted//$'\n'/ } " == *" $s "* ]] && queue+=("$s"); done
  alone=()
  for s in "${ALONE[@]}"; do [[ " ${wanted//$'\n'/ } " == *" $s "* ]] && alone+=("$s"); done
  for s in $wanted; do [[ " ${ORDER[*]} ${BESIDE[*]} ${ALONE[*]} " == *" $s "* ]] || queue+=("$s"); done
  for s in "${beside[@]}"; do
    echo "==> molecule test -s $s (beside the pool)"
    run "molecule-$s" .venv/bin/molecule test -s "$s"
  done
  running=()
  for s in "${queue[@]}"; do
    while [ "${#running[@]}" -ge "$JOBS" ]; do
      for i in "${!running[@]}"; do
        if [ -f "$LOGS/molecule-${running[$i]}.rc" ]; then
          collect "molecule-${running[$i]}"
          unset 'running[i]'
        fi
      done
      running=("${running[@]}")
      [ "${#running[@]}" -ge "$JOBS" ] && sleep 2
    done
    [ -n "$failed" ] && break
    echo "==> molecule test -s $s"
    run "molecule-$s" .venv/bin/molecule test -s "$s"
    running+=("$s")
  done
  for s in "${running[@]}" "${beside[@]}"; do collect "molecule-$s"; done
  for s in "${alone[@]}"; do
    [ -n "$failed" ] && break
    echo "==> molecule test -s $s (alone)"
    run "molecule-$s" .venv/bin/molecule test -s "$s"
    collect "molecule-$s"
  done
fi

table
if [ -n "$failed" ]; then
  echo "==> make test: FAILED:$failed" >&2
  echo "stages: $(( ${#ROWS[@]} - $(wc -w <<<"$failed") )) passed, $(wc -w <<<"$failed") failed"
  exit 1
fi
echo "==> make test: all passed"
echo "stages: ${#ROWS[@]} passed, 0 failed"
