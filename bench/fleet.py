# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench.fleet [--pairs 1,2,4,8] [--reps K]: what a fleet costs in one run.

For each size N, N pairs (groups site1..siteN under the parent group fleet, 2N fresh
containers of the lab image on the network failover-bench-fleet, 198.18.26.0/24) get one
site.yml run (-e failover_group=fleet) and its idempotent re-run; the largest size runs
the reference play too (bench/reference/site.yml: the seed's steps with per-host values
written by hand, one play over all hosts), alternating with site.yml (site.yml first in
odd repetitions). Both use as many forks as there are hosts. After each first converge,
every pair's VIP must answer with its MASTER's page.

Prints every run, then seconds per pair and the ratios, judged against issue 25's
targets: the largest run <= 1.0 x the reference on the same hosts (first converge and
re-run), and the largest first converge <= 4 x one pair's, its re-run <= 3 x. Writes
bench/results/fleet/run-ID.json and results.md. Only this benchmark's containers and
network are touched (lab/lab.sh with LAB_INVENTORY); every run is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench import core, lab
from lab.probe import fetch

NETWORK = 'failover-bench-fleet'
SUBNET = '198.18.26.0/24'
PLAYBOOKS = {'site.yml': 'site.yml', 'reference': 'bench/reference/site.yml'}
RUNS = ('first', 'rerun')
# issue 25: N pairs in one run against one pair, and against the reference on N pairs
TARGET_GROWTH = {'first': 4.0, 'rerun': 3.0}
TARGET_REFERENCE = 1.0
PLAYBOOK_LIMIT = 1500  # s, one run over 16 hosts on 2 cores
DEFAULT_OUT = core.ROOT / 'bench' / 'results' / 'fleet'


def host_address(pair, side):
    return '198.18.26.%d' % (pair * 10 + side)


def pair_vip(pair):
    return '198.18.26.%d' % (200 + pair)


def inventory(pairs):
    """The inventory of N pairs: group web (the lab's hosts, as lab/lab.sh reads them),
    groups site1..siteN (the HA groups, settings in vrrp_groups) under the parent fleet,
    and each host's values for the reference play (reference_keepalived)."""
    hosts, sites, groups = {}, {}, {}
    for pair in range(1, pairs + 1):
        names = ['fleet-p%d%s' % (pair, side) for side in 'ab']
        for side, name in enumerate(names, 1):
            other = host_address(pair, 3 - side)
            hosts[name] = {
                'ansible_host': 'failover-bench-%s' % name,
                'lab_container': 'failover-bench-%s' % name,
                'vrrp_address': host_address(pair, side),
                'reference_keepalived': {
                    'state': 'MASTER' if side == 1 else 'BACKUP', 'priority': 102 - side,
                    'src': host_address(pair, side), 'peer': other,
                    'vip': pair_vip(pair) + '/24', 'vrid': 100 + pair},
            }
        sites['site%d' % pair] = {'hosts': dict((name, None) for name in names)}
        groups['site%d' % pair] = {'vips': [pair_vip(pair) + '/24']}
    return {'all': {
        'vars': {'vrrp_groups': groups},
        'children': {
            'web': {
                'vars': {
                    'ansible_connection': 'community.docker.docker',
                    'ansible_python_interpreter': '/usr/bin/python3',
                    'lab_docker_network': NETWORK, 'lab_subnet': SUBNET,
                    'vrrp_interface': 'eth0', 'keepalived_auth_pass': 'lab-pass'},
                'hosts': hosts,
            },
            'fleet': {'children': sites},
        }}}


def order(rep):
    """The playbooks of repetition rep (1-based) on the largest fleet, in the order they run."""
    names = list(PLAYBOOKS)
    return names if rep % 2 else names[::-1]


def summarize(records, pairs):
    """records: [{'pairs': N, 'playbook': NAME, 'first': s, 'rerun': s}, ...] -> medians
    per (N, playbook), seconds per pair, and the judged targets."""
    largest, smallest = max(pairs), min(pairs)
    rows = []
    for n in pairs:
        for name in PLAYBOOKS:
            mine = [r for r in records if r['pairs'] == n and r['playbook'] == name]
            if mine:
                row = {'pairs': n, 'playbook': name}
                for run in RUNS:
                    row[run] = statistics.median(r[run] for r in mine)
                    row[run + '_per_pair'] = round(row[run] / n, 1)
                rows.append(row)
    get = dict(((r['pairs'], r['playbook']), r) for r in rows)
    targets = []
    site_big, site_one, ref_big = (get.get((largest, 'site.yml')), get.get((smallest, 'site.yml')),
                                   get.get((largest, 'reference')))
    for run in RUNS:
        if site_big and ref_big:
            ratio = round(site_big[run] / ref_big[run], 2)
            targets.append({'what': '%d pairs, %s: site.yml / reference' % (largest, run), 'ratio': ratio,
                            'target': TARGET_REFERENCE, 'met': ratio <= TARGET_REFERENCE})
        if site_big and site_one and largest != smallest:
            ratio = round(site_big[run] / site_one[run], 2)
            plural = '' if smallest == 1 else 's'
            targets.append({'what': '%s: %d pairs / %d pair%s' % (run, largest, smallest, plural),
                            'ratio': ratio, 'target': TARGET_GROWTH[run], 'met': ratio <= TARGET_GROWTH[run]})
    return {'rows': rows, 'targets': targets, 'met': bool(targets) and all(t['met'] for t in targets)}


def render_table(summary):
    lines = ['| pairs | playbook | first converge | per pair | re-run | per pair |', '|---|---|---|---|---|---|']
    for row in summary['rows']:
        lines.append('| %d | %s | %.1f s | %.1f s | %.1f s | %.1f s |' % (
            row['pairs'], row['playbook'], row['first'], row['first_per_pair'], row['rerun'], row['rerun_per_pair']))
    lines += ['', '| target | ratio | bound | verdict |', '|---|---|---|---|']
    for t in summary['targets']:
        lines.append('| %s | %.2f | <= %.1f | %s |' % (t['what'], t['ratio'], t['target'], 'met' if t['met'] else 'missed'))
    return '\n'.join(lines)


def _lab(action, inventory_path, timeout):
    env = dict(os.environ, LAB_INVENTORY=str(inventory_path))
    res = subprocess.run(['lab/lab.sh', action], cwd=str(core.ROOT), env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    if res.returncode != 0:
        raise lab.LabError('LAB_INVENTORY=%s lab/lab.sh %s failed (exit %d): %s' % (
            inventory_path, action, res.returncode, (res.stderr or res.stdout)[-600:]))


def check_pairs(pairs, log_path):
    """Every pair's VIP answers with its MASTER's page (a few tries each, bounded)."""
    for pair in range(1, pairs + 1):
        expect = 'fleet-p%da' % pair
        page = None
        for _attempt in range(20):
            page = fetch('http://%s/' % pair_vip(pair), 1.0)
            if page and expect in page:
                break
            time.sleep(0.5)
        if not page or expect not in page:
            raise lab.LabError('pair %d: http://%s/ answered %r, not %s; see %s'
                               % (pair, pair_vip(pair), page, expect, log_path))


def converge(name, pairs, inventory_path, workdir, rep, log):
    """Fresh containers for N pairs, then one playbook's first converge and re-run."""
    _lab('down', inventory_path, 300)
    _lab('up', inventory_path, 600)
    options = ['--forks', str(2 * pairs)]
    extra = {'failover_group': 'fleet'} if name == 'site.yml' else {}
    record = {'pairs': pairs, 'playbook': name, 'rep': rep}
    for run in RUNS:
        log_path = os.path.join(workdir, '%d-pairs%d-%s-%s.log' % (rep, pairs, name.replace('/', '_'), run))
        seconds, recap, rc = lab.run_playbook(extra, log_path, limit=PLAYBOOK_LIMIT, playbook=PLAYBOOKS[name],
                                              inventory=inventory_path, options=options)
        changed = sum(h['changed'] for h in recap.values())
        failed = sum(h['failed'] + h['unreachable'] for h in recap.values())
        if rc != 0 or failed or len(recap) < 2 * pairs:
            raise lab.LabError('%s on %d pairs, %s run, failed (exit %d); see %s' % (name, pairs, run, rc, log_path))
        if run == 'rerun' and changed:
            raise lab.LabError('%s on %d pairs changed %d things on its re-run; see %s'
                               % (name, pairs, changed, log_path))
        if run == 'first':
            check_pairs(pairs, log_path)
        record[run] = seconds
        log('%-9s %d pair%s %-6s %7.1f s (%.1f s a pair, changed=%d)' % (
            name, pairs, ' ' if pairs == 1 else 's', run, seconds, seconds / pairs, changed))
    return record


def measure(pairs, reps, workdir, log):
    records = []
    largest = max(pairs)
    paths = {}
    for n in pairs:
        path = Path(workdir) / ('inventory-%d.yml' % n)
        path.write_text(yaml.safe_dump(inventory(n), sort_keys=False), encoding='utf-8')
        paths[n] = path
    try:
        for rep in range(1, reps + 1):
            for n in pairs:
                names = order(rep) if n == largest else ['site.yml']
                for name in names:
                    records.append(converge(name, n, paths[n], workdir, rep, log))
    finally:
        # the largest first: the smaller inventories' hosts are among its hosts, and the
        # network they share goes with the last of them
        for n in sorted(pairs, reverse=True):
            try:
                _lab('down', paths[n], 300)
            except (lab.LabError, subprocess.TimeoutExpired) as exc:
                log('WARNING: %s' % exc)
    return records


def parse_pairs(text):
    pairs = sorted(set(int(x) for x in text.split(',')))
    if not pairs or pairs[0] < 1 or pairs[-1] > 8:
        raise ValueError('pairs between 1 and 8 (198.18.26.0/24 holds 8 pairs)')
    return pairs


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m bench.fleet', description=__doc__.splitlines()[0])
    p.add_argument('--pairs', default='1,2,4,8', help='fleet sizes, comma separated (default 1,2,4,8)')
    p.add_argument('--reps', type=int, default=1, help='repetitions (default 1)')
    p.add_argument('--out', default=str(DEFAULT_OUT), help='result directory (default bench/results/fleet)')
    p.add_argument('--work', default=str(core.ROOT / 'build' / 'bench-fleet'), help='inventories and playbook logs')
    args = p.parse_args(argv)
    try:
        pairs = parse_pairs(args.pairs)
    except ValueError as exc:
        p.error('--pairs: %s' % exc)
    if args.reps < 1:
        p.error('--reps must be 1 or more')
    _run_id, workdir, log, data = lab.start_run('fleet', args.work, 'python -m bench.fleet')
    data['pairs'] = pairs
    try:
        data['records'] = measure(pairs, args.reps, workdir, log)
    except (lab.LabError, subprocess.TimeoutExpired) as exc:
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
    data['summary'] = summarize(data['records'], pairs)
    table = render_table(data['summary'])
    results = lab.write_results(args.out, data, 'Fleet benchmark', '%d repetition%s, fresh containers for every first '
                                'converge, forks = hosts' % (args.reps, '' if args.reps == 1 else 's'), table)
    print(table)
    log('wrote %s (%s)' % (results, 'every target met' if data['summary']['met'] else 'a target missed'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
