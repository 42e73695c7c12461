# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench.topology [--reps K]: the freeze row of the balancer pair.

The four hosts of molecule/load_balancer (two HAProxy balancers holding the VIP, two
Apache backends), made and converged by Molecule (molecule create, converge; destroy at
the end), then K times: the MASTER balancer frozen (docker pause) while lab/probe.py
probes the VIP every 10 ms, and thawed. Outage: the longest time without an answer,
whichever backend answers (they take turns); takeover: the fault to the BACKUP balancer's
MASTER state in its journal; bound: its Master_Down_Interval from the plan. Results in
bench/results/load-balancer (run-ID.json, results.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from bench import core, lab
from lab import probe as lab_probe
from lab.vip_holders import holders
from plugins.plugin_utils import vrrp_plan

SCENARIO = 'load_balancer'
GROUP = 'balancers'
DEFAULT_OUT = core.ROOT / 'bench' / 'results' / 'load-balancer'
BASE_CONFIG = core.ROOT / '.config' / 'molecule' / 'config.yml'


def scenario_inventory():
    """(hostvars, groups) of the scenario's hosts as Molecule's inventory gives them: the
    group_vars of its molecule.yml, and the variables that the shared base config
    (.config/molecule/config.yml) derives for every platform (vrrp_address, its address on
    its network), templated by Ansible from that file: one rule, read from where it is."""
    scenario = yaml.safe_load((core.ROOT / 'molecule' / SCENARIO / 'molecule.yml').read_text(encoding='utf-8'))
    base = yaml.safe_load(BASE_CONFIG.read_text(encoding='utf-8'))['provisioner']['inventory']['group_vars']['all']
    group_vars = scenario['provisioner']['inventory'].get('group_vars', {})
    hostvars, groups = {}, {}
    for platform in scenario['platforms']:
        name = platform['name']
        merged = {}
        for group in platform.get('groups', []):
            groups.setdefault(group, []).append(name)
            merged.update(group_vars.get(group, {}))
        variables = dict((k, trust_as_template(v) if isinstance(v, str) else v) for k, v in base.items())
        variables.update(merged, molecule_scenario_yml=scenario, inventory_hostname=name)
        templar = Templar(loader=DataLoader(), variables=variables)
        merged['vrrp_address'] = templar.template(variables['vrrp_address'])
        hostvars[name] = merged
    return hostvars, groups


def timers():
    """The balancers' MASTER, BACKUP, VIP and the BACKUP's Master_Down_Interval (ms), from
    the collection's plan of the scenario's inventory."""
    hostvars, groups = scenario_inventory()
    plan = vrrp_plan.plan_from_inventory([GROUP], hostvars, groups)
    views = dict((h, v[0]) for h, v in plan['hosts'].items())
    master = next(h for h, v in views.items() if v['state'] == 'MASTER')
    backup = next(h for h in views if h != master)
    vip = views[master]['vips'][0].split('/', 1)[0]
    return {'master': master, 'backup': backup, 'vip': vip, 'url': 'http://%s/' % vip,
            'mdi_ms': round(views[backup]['master_down_interval'] * 1000.0, 1),
            'backends': [b['name'] for b in views[master]['load_balancer']['backends']]}


def molecule(action, log, limit=900):
    env = dict(os.environ, PATH='%s:%s' % (lab.BIN, os.environ.get('PATH', '')),
               ANSIBLE_CONFIG=str(core.ROOT / 'ansible.cfg'))
    log('molecule %s -s %s' % (action, SCENARIO))
    res = subprocess.run([str(lab.BIN / 'molecule'), action, '-s', SCENARIO], cwd=str(core.ROOT), env=env,
                         capture_output=True, text=True, timeout=limit, check=False)
    if res.returncode != 0:
        raise lab.LabError('molecule %s -s %s failed (exit %d): %s'
                           % (action, SCENARIO, res.returncode, (res.stdout + res.stderr)[-600:]))


def steady(t, probe, limit=120):
    """The MASTER balancer holds the VIP alone and the VIP answers (bounded)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        held = holders(t['vip'], {t['master']: t['master'], t['backup']: t['backup']})
        if held == [t['master']] and all(probe.fetch(t['url'], 0.5) for _i in range(5)):
            time.sleep(1.0)  # the BACKUP hears a few adverts
            return
        time.sleep(0.5)
    raise lab.LabError('the balancer pair did not settle with the VIP on %s within %ss' % (t['master'], limit))


def freeze_rep(t, probe, interval, timeout):
    started = time.time()
    res = probe.probe(t['url'], None, 3 * t['mdi_ms'] / 1000.0 + 3, 'docker pause %s' % t['master'], interval,
                      timeout, 0.0, 3, trace=True)
    lab.run(['docker', 'unpause', t['master']], timeout=60)
    runs = core.to_runs(res['trace'])
    try:
        events, unread = lab.journal_events(t['backup'], started, time.time(), t0_epoch=started), None
    except lab.JournalError as exc:  # no takeover known: counted as a miss
        events, unread = [], str(exc)
    takeover = next((ms for ms, _h, msg in events if ms >= 0 and 'Entering MASTER STATE' in msg), None)
    gap = core.longest_gap(runs)
    return {'started': datetime.fromtimestamp(started, timezone.utc).isoformat(timespec='milliseconds'),
            'fault_rc': res['fault_rc'], 'outage_ms': gap['gap_ms'], 'failed': gap['failed'],
            'takeover_ms': takeover, 'journal_unread': unread, 'loadavg_1m': round(os.getloadavg()[0], 2),
            'answers': sorted(set(r[2] for r in runs if r[2] is not None)), 'runs': runs, 'events': events}


def render_table(data):
    """The freeze row of a run, judged on the outage a client sees (the frozen balancer
    answers nothing, so that outage is the failover's)."""
    t, reps = data['timers'], [r for r in data['reps'] if r['fault_rc'] == 0]
    out = core.summarize([r['outage_ms'] for r in reps])
    take = core.summarize([r['takeover_ms'] for r in reps])
    failed = core.summarize([r['failed'] for r in reps])
    bound = t['mdi_ms']
    met = out['median'] is not None and out['median'] <= bound + 1000.0
    return '\n'.join([
        '| Row | Reps | Outage min / median / max (ms) | Failed probes, median / max | Takeover (journal) '
        'min / median / max (ms) | MDI of the BACKUP (ms) | Target | Verdict |',
        '|---|---:|---:|---:|---:|---:|---|---|',
        '| freeze (balancer pair) | %d | %s / %s / %s | %s / %s | %s / %s / %s | %.0f | median <= MDI + 1 s (%.0f ms) '
        '| %s |' % (len(reps), core.fmt_ms(out['min']), core.fmt_ms(out['median']), core.fmt_ms(out['max']),
                    core.fmt_num(failed['median']), core.fmt_num(failed['max']), core.fmt_ms(take['min']),
                    core.fmt_ms(take['median']), core.fmt_ms(take['max']), bound, bound + 1000.0,
                    core.fmt_met(met if reps else None))])


def render(data):
    t = data['timers']
    lines = [
        '# Balancer pair: the MASTER balancer frozen, run %s' % data['run_id'], '',
        'Made by `%s` (%s; %s to %s). Four containers of molecule/load_balancer (Debian 13, '
        'keepalived %s and %s on %s and %s, Apache on %s); lab/probe.py to %s every %g ms, timeout %g ms.'
        % (data['command'], data['git'], data['started'], data.get('finished', '-'),
           data.get('versions', {}).get('keepalived', '?'), data.get('versions', {}).get('haproxy', 'HAProxy'),
           t['master'], t['backup'], ', '.join(t['backends']), t['url'], data['settings']['interval'] * 1000,
           data['settings']['timeout'] * 1000), '',
        render_table(data), '',
        'Outage: the longest time without an answer, whichever backend answered before and after '
        '(HAProxy on the new MASTER balancer goes on balancing over both).', '']
    if data.get('errors'):
        lines += ['## Errors', ''] + ['- %s' % e for e in data['errors']] + ['']
    return '\n'.join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m bench.topology', description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--interval', type=float, default=0.01)
    p.add_argument('--timeout', type=float, default=0.05)
    p.add_argument('--out', default=str(DEFAULT_OUT))
    p.add_argument('--keep', action='store_true', help='leave the containers (molecule destroy not run)')
    args = p.parse_args(argv)
    start = time.monotonic()

    def log(text):
        elapsed = time.monotonic() - start
        print('[bench-lb %3d:%02d] %s' % (elapsed // 60, elapsed % 60, text), flush=True)

    probe = lab_probe
    t = timers()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = datetime.now().strftime('%Y%m%d-%H%M%S')
    data = {'run_id': run_id, 'command': os.environ.get('BENCH_COMMAND', 'python -m bench.topology'),
            'git': lab.git_head(), 'started': datetime.now(timezone.utc).isoformat(timespec='seconds'),
            'settings': {'reps': args.reps, 'interval': args.interval, 'timeout': args.timeout},
            'timers': t, 'reps': [], 'errors': []}
    rc = 0
    try:
        molecule('create', log)
        molecule('converge', log)
        data['versions'] = {'keepalived': lab.keepalived_version(t['master']),
                            'haproxy': (lab.dexec(t['master'], 'haproxy', '-v', timeout=20).stdout.splitlines()
                                        or ['?'])[0]}
        log('keepalived %(keepalived)s, %(haproxy)s' % data['versions'])
        for i in range(1, args.reps + 1):
            steady(t, probe)
            rec = freeze_rep(t, probe, args.interval, args.timeout)
            data['reps'].append(rec)
            log('freeze %d/%d: outage %s ms, %d failed probes, takeover %s ms (MDI %.0f ms), answers %s, load %.1f'
                % (i, args.reps, rec['outage_ms'], rec['failed'], rec['takeover_ms'], t['mdi_ms'],
                   ', '.join(rec['answers']), rec['loadavg_1m']))
    except (lab.LabError, OSError, subprocess.SubprocessError) as exc:
        data['errors'].append(str(exc))
        print('ERROR: %s' % exc, file=sys.stderr)
        rc = 1
    finally:
        if not args.keep:
            try:
                molecule('destroy', log)
            except (lab.LabError, subprocess.SubprocessError) as exc:
                data['errors'].append('destroy: %s' % exc)
        data['finished'] = datetime.now(timezone.utc).isoformat(timespec='seconds')
        (out_dir / ('run-%s.json' % run_id)).write_text(json.dumps(data, indent=1, sort_keys=True) + '\n',
                                                        encoding='utf-8')
        md = render(data)
        (out_dir / 'results.md').write_text(md, encoding='utf-8')
        print(md)
    return rc


if __name__ == '__main__':
    sys.exit(main())
