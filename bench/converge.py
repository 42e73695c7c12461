# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench.converge [--reps K]: how long site.yml takes to converge the lab,
against a reference play of the seed's own steps (bench/reference/site.yml).

For each repetition both playbooks run on fresh containers (lab/lab.sh down, up), in
alternating order (site.yml first in odd repetitions, the reference first in even ones):
first converge, then the idempotent re-run, which must change nothing. Prints every run,
then the medians and the ratio site.yml / reference per pair; writes
bench/results/converge/run-ID.json and results.md (the table for docs/bench.md and the
README). Only the lab's containers are touched; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from bench import core, lab
from lab.probe import fetch

PLAYBOOKS = {
    'site.yml': 'site.yml',
    'reference': 'bench/reference/site.yml',
}
RUNS = ('first', 'rerun')
RUN_TITLES = {'first': 'first converge (fresh containers)', 'rerun': 'idempotent re-run'}
TARGET_RATIO = 1.2
DEFAULT_OUT = core.ROOT / 'bench' / 'results' / 'converge'


def order(rep):
    """The playbooks of repetition rep (1-based), in the order they run."""
    names = list(PLAYBOOKS)
    return names if rep % 2 else names[::-1]


def summarize(reps):
    """reps: [{'site.yml': {'first': s, 'rerun': s}, 'reference': {...}}, ...] ->
    {run: {'site.yml': median, 'reference': median, 'ratio': median of the pair ratios,
    'ratios': [...], 'met': bool}}."""
    out = {}
    for run in RUNS:
        row = {}
        for name in PLAYBOOKS:
            row[name] = statistics.median(r[name][run] for r in reps)
        row['ratios'] = [round(r['site.yml'][run] / r['reference'][run], 2) for r in reps]
        row['ratio'] = statistics.median(row['ratios'])
        row['met'] = row['ratio'] <= TARGET_RATIO
        out[run] = row
    return out


def render_table(summary, reps):
    """The Markdown table of a run's summary."""
    lines = [
        '| run | site.yml (median) | reference play (median) | ratio per pair | median ratio | target ≤ %.1f |'
        % TARGET_RATIO,
        '|---|---|---|---|---|---|',
    ]
    for run in RUNS:
        row = summary[run]
        lines.append('| %s | %.1f s | %.1f s | %s | %.2f | %s |' % (
            RUN_TITLES[run], row['site.yml'], row['reference'],
            ', '.join('%.2f' % r for r in row['ratios']), row['ratio'], 'met' if row['met'] else 'missed'))
    tasks = reps[-1].get('tasks') if reps else None
    if tasks:
        lines.append('')
        lines.append('Tasks ok per host on the re-run: site.yml %s, reference %s.' % (
            tasks['site.yml'], tasks['reference']))
    return '\n'.join(lines)


def _step(cmd, timeout):
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=str(core.ROOT), timeout=timeout, check=False)
    if res.returncode != 0:
        raise lab.LabError('%s failed (exit %d): %s' % (' '.join(cmd), res.returncode,
                                                        (res.stderr or res.stdout)[-600:]))


def converge_once(name, workdir, rep, log):
    """Fresh containers, then the first converge and the re-run of one playbook."""
    _step(['lab/lab.sh', 'down'], 180)
    _step(['lab/lab.sh', 'up'], 300)
    times, ok_per_host = {}, None
    for run in RUNS:
        log_path = os.path.join(workdir, '%d-%s-%s.log' % (rep, name.replace('/', '_'), run))
        seconds, recap, rc = lab.run_playbook({}, log_path, playbook=PLAYBOOKS[name])
        changed = sum(h['changed'] for h in recap.values())
        failed = sum(h['failed'] + h['unreachable'] for h in recap.values())
        if rc != 0 or failed or not recap:
            raise lab.LabError('%s, %s run, failed (exit %d); see %s' % (name, run, rc, log_path))
        if run == 'rerun':
            if changed:
                raise lab.LabError('%s changed %d things on its re-run; see %s' % (name, changed, log_path))
            ok_per_host = max(h['ok'] for h in recap.values())
        times[run] = seconds
        log('rep %d %-9s %-6s %6.1f s (changed=%d)' % (rep, name, run, seconds, changed))
    lab.check_lab_up(fetch)
    return times, ok_per_host


def measure(reps, workdir, log=print):
    """reps pairs of fresh converges; leaves the lab with site.yml deployed, as `make lab`
    does. Returns {'reps': [...], 'summary': summarize(...)}."""
    records = []
    try:
        for rep in range(1, reps + 1):
            record = {'tasks': {}}
            for name in order(rep):
                record[name], record['tasks'][name] = converge_once(name, workdir, rep, log)
            records.append(record)
    finally:
        if not records or order(len(records))[-1] != 'site.yml':
            lab.run_playbook({}, os.path.join(workdir, 'restore.log'))
    return {'reps': records, 'summary': summarize(records)}


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m bench.converge', description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=3, help='repetitions, each a pair of fresh converges (default 3)')
    p.add_argument('--out', default=str(DEFAULT_OUT), help='result directory (default bench/results/converge)')
    p.add_argument('--work', default=str(core.ROOT / 'build' / 'bench-converge'), help='playbook logs')
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error('--reps must be 1 or more')
    _run_id, workdir, log, data = lab.start_run('converge', args.work, 'python -m bench.converge')
    try:
        data.update(measure(args.reps, workdir, log))
    except (lab.LabError, subprocess.TimeoutExpired) as exc:
        print('ERROR: %s' % exc, file=sys.stderr)
        return 1
    table = render_table(data['summary'], data['reps'])
    results = lab.write_results(args.out, data, 'Converge benchmark',
                                '%d repetitions on 2 fresh lab containers each' % len(data['reps']), table)
    print(table)
    met = all(row['met'] for row in data['summary'].values())
    log('wrote %s (%s)' % (results, 'both ratios met' if met else 'a ratio missed'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
