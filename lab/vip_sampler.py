# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who holds a VIP, every host of a lab, every 50 ms, for a whole scenario: the instrument
that counts the samples where two hosts hold one VIP (a duplicate address), which a probe
of the VIP cannot see (it reaches one of them). Standard library only, run as root on the
machine that runs the containers.

    python -m lab.vip_sampler run --vip 198.18.27.69 --host web1=lc-web1 --host web2=lc-web2 \\
        --interval 0.05 --duration 900 --stop-file /tmp/stop --out events.json
    python -m lab.vip_sampler report --events events.json --steps steps.json

run reads each container's local addresses from /proc/PID/net/fib_trie (its network
namespace, through the container's main process; no docker exec, so a sample of three
hosts costs well under a millisecond) and writes, when it stops (the stop file, or the
duration), the number of samples, each change of the set of holders and each sample with
two or more holders, with their times (epoch seconds). report takes the steps of a
scenario ([{name, start, end, failed, planned}], epoch seconds and the failed requests of
the step's load) and prints, per step, the VIP moves seen, the failed requests and the
duplicate samples, as a table and as JSON.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import subprocess
import sys
import time

DOCKER_TIMEOUT = 20  # s, one docker inspect


def local_addresses(fib_trie):
    """The addresses of a network namespace's interfaces ('/32 host LOCAL' entries of its
    /proc/net/fib_trie)."""
    found, last = set(), None
    for line in fib_trie.splitlines():
        text = line.strip()
        if text.startswith('|--') or text.startswith('+--'):
            last = text[3:].strip().split('/')[0]
        elif text.startswith('/32 host LOCAL') and last:
            found.add(last)
    return found


def container_pid(container):
    """The main process of a running container (0 when it does not run)."""
    try:
        res = subprocess.run(['docker', 'inspect', '-f', '{{.State.Pid}}', container],
                             capture_output=True, text=True, timeout=DOCKER_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return 0
    out = res.stdout.strip()
    return int(out) if res.returncode == 0 and out.isdigit() else 0


def holders(vip, pids):
    """The hosts ({name: pid}) whose namespace holds vip; a host that cannot be read holds
    nothing (a stopped container holds no address)."""
    found = []
    for name, pid in pids.items():
        try:
            with open('/proc/%d/net/fib_trie' % pid) as handle:
                if vip in local_addresses(handle.read()):
                    found.append(name)
        except (IOError, OSError):
            continue
    return found


def sample(vip, containers, interval, duration, stop_file, clock=time.time, sleep=time.sleep):
    """Sample until stop_file exists or duration passed; the events as a dict."""
    pids = dict((name, container_pid(container)) for name, container in containers.items())
    start = clock()
    deadline = start + duration
    out = {'vip': vip, 'interval': interval, 'started': start, 'samples': 0, 'changes': [], 'duplicates': []}
    current = None
    while clock() < deadline and not (stop_file and os.path.exists(stop_file)):
        now = clock()
        held = holders(vip, pids)
        out['samples'] += 1
        if held != current:
            out['changes'].append([round(now, 3), held])
            current = held
        if len(held) > 1:
            out['duplicates'].append([round(now, 3), held])
        sleep(max(0.0, interval - (clock() - now)))
    out['ended'] = clock()
    return out


def report(events, steps, failed_per_move=1):
    """Per step (name, start, end, failed, planned): the moves seen (changes of the one
    holder to another), the duplicate samples, the failed requests; and the totals. A step
    meets its targets with no duplicate sample and at most failed_per_move failed requests
    a move seen (none without a move)."""
    rows = []
    changes = events['changes']
    for step in steps:
        inside = [c for c in changes if step['start'] <= c[0] <= step['end']]
        before = [c for c in changes if c[0] < step['start']]
        holder = before[-1][1] if before else []
        moves = 0
        for _t, held in inside:
            if len(held) == 1 and holder and held != holder:
                moves += 1
            if len(held) == 1:
                holder = held
        dups = sum(1 for t, _held in events['duplicates'] if step['start'] <= t <= step['end'])
        failed = step.get('failed', 0)
        # a step the sampler did not watch from start to end proves nothing
        covered = events['started'] <= step['start'] and events.get('ended', 0) >= step['end']
        rows.append({'step': step['name'], 'moves': moves, 'failed': failed,
                     'planned': step.get('planned', 0), 'duplicates': dups, 'covered': covered,
                     # the targets: never two holders; at most failed_per_move failed requests a move
                     'ok': covered and dups == 0 and failed <= failed_per_move * moves})
    return {'samples': events['samples'], 'duplicates': len(events['duplicates']), 'steps': rows,
            'met': not events['duplicates'] and all(row['ok'] for row in rows)}


def table(summary):
    lines = ['| step | VIP moves | failed requests | requests | samples with two holders | target |',
             '|---|---|---|---|---|---|']
    for row in summary['steps']:
        verdict = 'met' if row['ok'] else ('MISSED' if row['covered'] else 'NOT SAMPLED')
        lines.append('| %s | %d | %d | %d | %d | %s |' % (row['step'], row['moves'], row['failed'], row['planned'],
                                                          row['duplicates'], verdict))
    lines.append('| all (%d samples) | %d | %d | %d | %d | %s |' % (
        summary['samples'], sum(r['moves'] for r in summary['steps']), sum(r['failed'] for r in summary['steps']),
        sum(r['planned'] for r in summary['steps']), summary['duplicates'], 'met' if summary['met'] else 'MISSED'))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m lab.vip_sampler', description=__doc__.split('\n\n', 1)[0])
    sub = parser.add_subparsers(dest='command', required=True)
    run = sub.add_parser('run')
    run.add_argument('--vip', required=True)
    run.add_argument('--host', action='append', required=True, help='NAME=CONTAINER')
    run.add_argument('--interval', type=float, default=0.05)
    run.add_argument('--duration', type=float, required=True, help='seconds, the bound')
    run.add_argument('--stop-file')
    run.add_argument('--out', required=True)
    rep = sub.add_parser('report')
    rep.add_argument('--events', required=True)
    rep.add_argument('--steps', required=True)
    rep.add_argument('--failed-per-move', type=int, default=1,
                     help='failed requests a VIP move may cost (default 1)')
    args = parser.parse_args(argv)
    if args.command == 'run':
        containers = dict(pair.split('=', 1) for pair in args.host)
        if args.stop_file and os.path.exists(args.stop_file):
            os.unlink(args.stop_file)  # left by an earlier run: it would end this one at once
        events = sample(args.vip, containers, args.interval, args.duration, args.stop_file)
        with open(args.out + '.tmp', 'w') as handle:
            json.dump(events, handle)
        os.rename(args.out + '.tmp', args.out)
        return 0
    with open(args.events) as handle:
        events = json.load(handle)
    with open(args.steps) as handle:
        steps = json.load(handle)
    summary = report(events, steps, args.failed_per_move)
    print(json.dumps(summary))
    print(table(summary), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
