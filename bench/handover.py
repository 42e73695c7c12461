# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""keepalived's preemption against the collection's handover (roll.yml), move by move, on
the two hosts of a running lab (make lab, or any pair that site.yml deployed):

    .venv/bin/python -m bench.handover [--moves 10] [--inventory inventories/lab]

Each mode moves the VIP from one host to the other and back, --moves times each way, with
keepalived.conf edited in place (the role's file, its priorities swapped; restored at the
end):

  preempt   the planned MASTER gets the higher priority, the old one the lower, both
            reloaded: keepalived's own preemption;
  handover  what roll.yml does: the old MASTER pinned (a track file, +253), the planned
            MASTER raised to the role's boost (plugin_utils/vrrp_verdict.handover_boost),
            the old MASTER released (-254: FAULT), the track files dropped.

`ip -ts monitor address` runs in both containers the whole time; for each move the gap is
the time from the VIP's removal on the old MASTER to its addition on the new one: below
zero, both held it (make-before-break). Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from lab import spec

TOP = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOP / '.collections'))
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_verdict import (  # noqa: E402
    HANDOVER_PIN,
    HANDOVER_RELEASE,
    handover_boost,
)

CONF = '/etc/keepalived/keepalived.conf'
# the role's check (keepalived -t in a session of its own: before 2.2.8 it kills its group)
CHECK = '/usr/local/libexec/failover-keepalived/keepalived-config-check'
TRACK = '/run/failover-keepalived-bench-handover'
MOVE_LIMIT = 10.0  # s, one move
DOCKER_TIMEOUT = 30  # s, one docker exec

# Run in a container: set the priority of the one vrrp_instance, with or without a track
# file (weight 1) on it; argv: priority, "track" or "plain".
EDIT = r'''
import re, sys
p = '%s'
s = open(p).read()
s = re.sub(r'\ntrack_file bench_handover \{.*?\n\}\n', '\n', s, flags=re.S)
s = s.replace('    track_file {\n        bench_handover\n    }\n', '')
s = re.sub(r'(\n    priority )\d+', r'\g<1>' + sys.argv[1], s, count=1)
if sys.argv[2] == 'track':
    s = s.replace('\nvrrp_instance ', '\ntrack_file bench_handover {\n    file "%s"\n    weight 1\n}\n\nvrrp_instance ', 1)
    s = s.replace('    virtual_ipaddress {', '    track_file {\n        bench_handover\n    }\n    virtual_ipaddress {', 1)
open(p, 'w').write(s)
''' % (CONF, TRACK)


def sh(container, command):
    subprocess.run(['docker', 'exec', container, 'sh', '-c', command], check=True, timeout=DOCKER_TIMEOUT,
                   stdout=subprocess.DEVNULL)


def configure(container, priority, track=None):
    """keepalived.conf with this priority (and the track file at value track), reloaded."""
    pre = 'echo %d > %s && ' % (track, TRACK) if track is not None else ''
    subprocess.run(['docker', 'exec', container, 'sh', '-c',
                    pre + 'python3 -c "$0" %d %s && %s %s >/dev/null && systemctl reload keepalived'
                    % (priority, 'track' if track is not None else 'plain', CHECK, CONF), EDIT],
                   check=True, timeout=DOCKER_TIMEOUT)


def holds(container, vip):
    out = subprocess.run(['docker', 'exec', container, 'ip', '-4', '-o', 'addr'], capture_output=True, text=True,
                         check=False, timeout=DOCKER_TIMEOUT).stdout
    return (' %s/' % vip) in out


def wait_holder(containers, vip, holder):
    deadline = time.time() + MOVE_LIMIT
    while time.time() < deadline:
        if [c for c in containers if holds(c, vip)] == [holder]:
            return
        time.sleep(0.05)
    raise SystemExit('the VIP did not move to %s within %s s' % (holder, MOVE_LIMIT))


class Monitor:
    """ip -ts monitor address in each container: (time, container, 'add'|'del') of the VIP."""

    STAMP = re.compile(r'^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)')

    def __init__(self, containers, vip):
        self.vip, self.events, self.procs = vip, [], []
        for container in containers:
            proc = subprocess.Popen(['docker', 'exec', container, 'ip', '-ts', '-4', 'monitor', 'address'],
                                    stdout=subprocess.PIPE, text=True)
            self.procs.append(proc)
            threading.Thread(target=self._read, args=(container, proc), daemon=True).start()

    def _read(self, container, proc):
        for line in proc.stdout:
            match = self.STAMP.match(line)
            if match and (' %s/' % self.vip) in line:
                when = datetime.fromisoformat(match.group(1)[:26]).timestamp()
                self.events.append((when, container, 'del' if line.find('Deleted') >= 0 else 'add'))

    def stop(self):
        for proc in self.procs:
            proc.terminate()


def gaps(events):
    """ms from each removal to the next addition on another host (negative: both held it)."""
    out = []
    events = sorted(events)
    for when, container, kind in events:
        if kind != 'add':
            continue
        removals = [e for e in events if e[2] == 'del' and e[1] != container and abs(e[0] - when) < MOVE_LIMIT]
        if removals:
            nearest = min(removals, key=lambda e: abs(e[0] - when))
            out.append(round((when - nearest[0]) * 1000, 2))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--inventory', default=str(TOP / 'inventories' / 'lab'))
    parser.add_argument('--moves', type=int, default=10, help='moves each way, per mode')
    parser.add_argument('--advert-int', type=float, default=1.0, help='the pair\'s advert_int (s)')
    args = parser.parse_args(argv)
    topology = spec.load_topology(Path(args.inventory) / 'hosts.yml' if Path(args.inventory).is_dir() else args.inventory)
    (first, second) = [container for _name, container, _address in topology.hosts][:2]
    vip = topology.vip
    high, low = 101, 100
    originals = dict((c, subprocess.run(['docker', 'exec', c, 'cat', CONF], capture_output=True, text=True,
                                        check=True, timeout=DOCKER_TIMEOUT).stdout) for c in (first, second))
    results = {}
    try:
        configure(first, high)
        configure(second, low)
        wait_holder((first, second), vip, first)
        for mode in ('preempt', 'handover'):
            monitor = Monitor((first, second), vip)
            time.sleep(1)
            holder, other = first, second
            for _move in range(2 * args.moves):
                if mode == 'preempt':
                    configure(other, high)
                    configure(holder, low)
                else:
                    configure(holder, low, track=HANDOVER_PIN)
                    configure(other, high, track=handover_boost(high, args.advert_int))
                    sh(holder, 'echo %d > %s' % (HANDOVER_RELEASE, TRACK))
                wait_holder((first, second), vip, other)
                if mode == 'handover':
                    sh(holder, 'echo 0 > %s' % TRACK)
                    configure(holder, low)
                    configure(other, high)
                holder, other = other, holder
                time.sleep(0.3)
            time.sleep(0.5)
            monitor.stop()
            found = gaps(monitor.events)
            results[mode] = {'moves': len(found), 'both_held': sum(1 for g in found if g < 0),
                             'gap_ms_min': min(found), 'gap_ms_median': statistics.median(found),
                             'gap_ms_max': max(found)}
    finally:
        for container, text in originals.items():
            subprocess.run(['docker', 'exec', '-i', container, 'sh', '-c',
                            'cat > %s && rm -f %s && systemctl reload keepalived' % (CONF, TRACK)],
                           input=text, text=True, check=False, timeout=DOCKER_TIMEOUT)
    print('| mode | moves | moves with two holders | gap ms min | median | max |')
    print('|---|---|---|---|---|---|')
    for mode, row in results.items():
        print('| %s | %d | %d | %.2f | %.2f | %.2f |' % (
            mode, row['moves'], row['both_held'], row['gap_ms_min'], row['gap_ms_median'], row['gap_ms_max']))
    print(json.dumps(results, sort_keys=True))
    return 0 if results['handover']['both_held'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
