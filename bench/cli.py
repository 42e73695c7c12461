# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench [options]: the failover benchmark on the `make lab` lab.

Writes to --out: run-ID.json (everything measured), results.md (the tables) and
timeline-ROW.png (one per scenario, a panel per profile). --render JSON re-renders the
tables and PNGs of an earlier run without touching the lab.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

from bench import converge, core, faults, lab, scale, soak
from lab import probe as lab_probe

DEFAULT_OUT = core.ROOT / 'bench' / 'results'
ATTEMPTS = 3  # per repetition, when the fault command itself fails


def _parser():
    p = argparse.ArgumentParser(prog='python -m bench', description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=5, help='repetitions per scenario (default 5)')
    p.add_argument('--profiles', default='seed,fast',
                   help='timer profiles deployed, each with the scenarios and the soak (default seed,fast; '
                        'NAME@ADVERT_INT: a profile with another advert_int)')
    p.add_argument('--scenario-profiles', default='fast',
                   help='the profiles that get the scenario rows (default fast; the others only the soak)')
    p.add_argument('--soak-only', default='fast@0.01',
                   help='profiles deployed for the soak alone, after the others: candidates below the '
                        'default advert_int, to show where it breaks (default fast@0.01; empty: none)')
    p.add_argument('--suites', default='bookworm,trixie',
                   help='lab images, each on a fresh lab (default bookworm,trixie: Debian 12 and 13)')
    p.add_argument('--soak-suites', default='trixie', help='the suites that get the soak (default trixie)')
    p.add_argument('--scenarios', default=','.join(core.SCENARIOS),
                   help='scenarios (default: %s)' % ','.join(core.SCENARIOS))
    p.add_argument('--interval', type=float, default=0.01, help='s between probes (default 0.01)')
    p.add_argument('--timeout', type=float, default=0.05, help='s, timeout of one probe (default 0.05)')
    p.add_argument('--soak', type=float, default=600.0,
                   help='s of fault-free probing per profile and phase (default 600; 0: no soak)')
    p.add_argument('--no-stress', action='store_true',
                   help='soak under normal load only (default: then again with every core busy)')
    p.add_argument('--budget', type=float, default=180.0,
                   help='minutes for the whole run; reps past it are skipped (default 180)')
    p.add_argument('--scenario-budget', type=float, default=30.0,
                   help='minutes per scenario and profile; reps past it are skipped (default 30)')
    p.add_argument('--no-convergence', action='store_true',
                   help='skip the convergence figures (they take the lab down and up again)')
    p.add_argument('--no-scale', action='store_true', help='skip the plan module cost')
    p.add_argument('--scale-sizes', default='10,100,1000,10000')
    p.add_argument('--scale-no-playbook', action='store_true', help='plan cost in process only')
    p.add_argument('--out', default=str(DEFAULT_OUT), help='result directory (default bench/results)')
    p.add_argument('--work', default=str(core.ROOT / 'build' / 'bench'), help='playbook logs')
    p.add_argument('--check', action='store_true', help='only check that the lab is up')
    p.add_argument('--render', metavar='JSON', help='re-render results.md and PNGs from a run file')
    return p


class Progress:
    def __init__(self):
        self.start = time.monotonic()

    def __call__(self, text):
        elapsed = time.monotonic() - self.start
        print('[bench %3d:%02d] %s' % (elapsed // 60, elapsed % 60, text), flush=True)


def _load_yaml(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def _fmt_ms(value):
    return 'miss' if value is None else '%.0f ms' % value


def _rep_line(profile, row, i, reps, rec, bounds):
    m = rec['metrics']
    bound = bounds.get(row)
    text = '%s %-10s rep %d/%d: outage %s' % (profile, row, i, reps, _fmt_ms(m['outage_ms']))
    if m['outage_ms'] is None and m.get('open_ms') is not None:
        text += ' (no answer for %.0f ms at the end)' % m['open_ms']
    if bound:
        text += ' (bound %.0f ms)' % bound
    text += ', %d failed probes, then %s' % (m['failed'], m['after'] or '-')
    if m['failed_other']:
        text += ', %d other failed probes' % m['failed_other']
    if rec.get('takeover_ms') is not None:
        text += ', takeover %.0f ms' % rec['takeover_ms']
    if rec.get('fault_rc') not in (None, 0):
        text += ', FAULT COMMAND EXIT %s' % rec['fault_rc']
    return text + ', load %.1f' % rec['loadavg_1m']


def run_profile(args, data, profile, suite, inventory, role_defaults, probe, log, save, deadline,
                with_scenarios=True):
    extra = core.profile_vars(profile)
    timers = core.profile_timers(inventory, role_defaults, extra)
    key = '%s, %s' % (profile, lab.SUITES[suite])
    log('profile %s: site.yml -e %s' % (key, json.dumps(extra) if extra else '(defaults)'))
    log_path = os.path.join(args.work, '%s-%s-deploy.log' % (profile, suite))
    seconds, recap, rc = lab.run_playbook(extra, log_path)
    if rc != 0:
        raise lab.LabError('site.yml for profile %s failed (exit %d); see %s' % (key, rc, log_path))
    # what the role deployed: the health check's timers (raised to whole seconds before
    # keepalived 2.3.2) and RestartSec (computed from the plan)
    deployed = lab.deployed_check_timers(timers['master'])
    for name in ('interval', 'timeout', 'fall', 'rise'):
        if name in deployed:
            timers['hc_' + name] = int(deployed[name]) if name in ('fall', 'rise') else deployed[name]
    timers['restart_sec'] = lab.restart_sec(timers['master'])
    if timers['restart_sec'] is None:
        raise lab.LabError('cannot read RestartSec of keepalived on %s' % timers['master'])
    timers['keepalived'] = lab.keepalived_version(timers['master'])
    bounds = core.bounds_ms(timers)
    pdata = data['profiles'].setdefault(key, {'extra_vars': extra, 'timers': timers, 'bounds': bounds,
                                              'suite': suite, 'reps': []})
    ctx = faults.Context(probe, key, extra, timers, bounds, args.interval, args.timeout, args.work, log)
    steady_s = ctx.steady()
    running = dict((h, lab.running_timers(h)) for h in lab.HOSTS)
    pdata['deploy'] = {'seconds': seconds, 'recap': recap, 'steady_s': steady_s, 'running': running}
    for host, rt in running.items():
        if not rt or rt['version'] != timers['version'] or not math.isclose(rt['advert_int'], timers['advert_int']):
            raise lab.LabError('profile %s: keepalived on %s runs %s, the plan says version %s advert_int %s'
                               % (key, host, rt, timers['version'], timers['advert_int']))
    log('profile %s deployed in %.1f s: keepalived %s, VRRPv%d advert_int %g s, MDI of the BACKUP %.0f ms, '
        'skew %.0f ms; health check every %g s, timeout %g s, fall %d; RestartSec %g s' % (
            key, seconds, timers['keepalived'], timers['version'], timers['advert_int'],
            bounds['master_down_interval_backup'], bounds['skew_backup'], timers['hc_interval'],
            timers['hc_timeout'], timers['hc_fall'], timers['restart_sec']))
    if args.soak > 0 and suite in args.soak_suites:
        # a candidate below the default (soak only) is there to show where it breaks: stress
        phases = (True,) if not with_scenarios and profile in args.soak_only else \
            (False,) if args.no_stress else (False, True)
        pdata['soak_phases'] = soak.soak(ctx, args.soak, log, phases)
        save()
    if not with_scenarios:
        lab.repair(log)
        return
    profile = key
    for scenario in args.scenarios:
        scen_deadline = time.monotonic() + args.scenario_budget * 60
        for i in range(1, args.reps + 1):
            now = time.monotonic()
            if now > deadline or now > scen_deadline:
                log('%s %s: time budget spent, %d of %d reps skipped'
                    % (profile, scenario, args.reps - i + 1, args.reps))
                pdata.setdefault('skipped', []).append({'scenario': scenario, 'reps': args.reps - i + 1})
                break
            for attempt in range(1, ATTEMPTS + 1):
                steady_s = ctx.steady()
                recs = faults.RUNNERS[scenario](ctx)
                bad = [r for r in recs if core.invalid(r)]
                for rec in recs:
                    rec.setdefault('row', scenario)
                    core.reanalyze(rec)  # the row's own analysis (crash: takeover from the journal)
                    rec.update(rep=i, attempt=attempt, steady_s=steady_s)
                    if core.invalid(rec):
                        # kept in the JSON, left out of the table: the fault did not happen as
                        # planned (docker pause can fail: "unable to freeze"), or a false
                        # failover under load came first (a move)
                        rec['invalid'] = rec.get('invalid') or 'fault command exit %s: %s' % (
                            rec['fault_rc'], (rec.get('fault_stderr') or '')[-200:])
                    pdata['reps'].append(rec)
                    line = _rep_line(profile, rec['row'], i, args.reps, rec, bounds)
                    if rec.get('invalid'):
                        line += ' - INVALID (%s), %s' % (rec['invalid'], 'retrying' if attempt < ATTEMPTS else 'giving up')
                    log(line)
                save()
                if not bad:
                    break
    lab.repair(log)


def summaries_of(data):
    for pdata in data['profiles'].values():
        for rec in pdata['reps']:
            core.reanalyze(rec)
    out = []
    for row in core.ROWS:
        for profile, pdata in data['profiles'].items():
            reps = [r for r in pdata['reps'] if r['row'] == row]
            if reps:
                out.append(core.row_summary(row, profile, pdata['timers'], pdata['bounds'], reps))
    return out


def render(data, out_dir):
    """results.md and the PNGs of a run."""
    from bench import plot  # matplotlib only here

    out_dir = Path(out_dir)
    summaries = summaries_of(data)
    pngs = []
    for row in core.ROWS:
        panels = []
        for profile, pdata in data['profiles'].items():
            reps = [r for r in pdata['reps'] if r['row'] == row and not core.invalid(r)]
            if reps:
                panels.append((profile, plot.median_rep(reps), pdata['bounds'].get(row)))
        if panels:
            path = out_dir / ('timeline-%s.png' % row)
            plot.timeline_png(str(path), row, panels)
            pngs.append(path.name)
    md = report_markdown(data, summaries, pngs)
    (out_dir / 'results.md').write_text(md, encoding='utf-8')
    return md


def _loadavg(values):
    return '-' if not values else ', '.join('%.1f' % v for v in values)


def report_markdown(data, summaries, pngs):
    s = data['settings']
    loads = [r['loadavg_1m'] for p in data['profiles'].values() for r in p['reps']]
    lines = ['# Failover benchmark, run %s' % data['run_id'], '',
             'Made by `%s` (%s; %s to %s, %s).'
             % (data['command'], data['git'], data['started'], data.get('finished', '-'), data.get('duration', '-')),
             'Probe: lab/probe.py from the host to http://%s/ every %g ms, timeout %g ms. Machine: %d cores%s.'
             % (lab.VIP, s['interval'] * 1000, s['timeout'] * 1000, os.cpu_count() or 0,
                '' if not loads else ', 1-min load average %.1f to %.1f during the repetitions'
                % (min(loads), max(loads))),
             'Load average (1, 5, 15 min) at the start: %s; at the end: %s.'
             % (_loadavg(data.get('loadavg_start')), _loadavg(data.get('loadavg_end'))), '']
    if summaries:
        lines += ['## Outage seen by a client', '',
                  'Outage: last good answer before the fault (from the old MASTER) to the first good answer '
                  'from the new one; when no other host answers (crash), the longest gap between two good '
                  'answers. "miss": no takeover inside the probe window. Bounds from master_down_interval() '
                  'of the collection: graceful = skew time, crash/freeze/stop = Master_Down_Interval of the '
                  'BACKUP, apache = fall x interval + skew. A crash is judged on its takeover from the journal '
                  '(below): the killed MASTER keeps answering on its VIP.', '',
                  core.render_outage_table(summaries), '']
        take = core.render_takeover_table(summaries, dict((p, d['bounds']) for p, d in data['profiles'].items()))
        if take:
            lines += ['## Takeover time from keepalived\'s journal', '',
                      'crash, freeze: the fault to the BACKUP\'s MASTER state (crash: from systemd\'s SIGKILL '
                      'in the old MASTER\'s journal; freeze, freeze_bfd: from the start of docker pause; after '
                      'a SIGKILL the old MASTER '
                      'keeps the VIP and Apache there keeps answering, so the client-side outage of crash is '
                      'short: this is the time during which nobody advertised the VIP). switchover, switchback: '
                      'the new MASTER\'s reload to its MASTER state; return: its BACKUP state after the start to '
                      'its MASTER state; the old MASTER serves until then.', '', take, '']
    soaks = [(p, ph) for p, d in data['profiles'].items() for ph in d.get('soak_phases', [])]
    if soaks:
        lines += ['## No fault: the soak', '',
                  'Each profile deployed, no fault, the VIP probed for the minutes shown, first under the '
                  'machine\'s normal load, then with a busy loop on every core of the machine (bounded in '
                  'time). A keepalived state change or a change of the answering host is a false failover. '
                  'Advert gaps: between two adverts of the MASTER received on the BACKUP (raw socket). '
                  'keepalived CPU: its systemd unit, health checks included.', '',
                  soak.render_table(soaks), '']
    if summaries or soaks:
        lines += ['## Verdicts', '', core.render_verdict_table(summaries, soak.verdict_rows(soaks)), '']
    if data.get('convergence'):
        conv = data['convergence']
        lines += ['## Convergence', '', converge.render_table(conv['summary'], conv['reps'])
                  if 'summary' in conv else core.render_convergence_table(conv), '']
    if data.get('plan_scale'):
        exp = core.growth_exponent(data['plan_scale'])
        lines += ['## Plan module cost on synthetic inventories', '',
                  'Groups of 2 to 5 hosts, each in its own /28 of 198.18.0.0/15, VRIDs derived from the group '
                  'names. In process: plan_from_inventory(). ansible-playbook: the vrrp_plan task on localhost '
                  '(connection local, run_once) over the whole inventory; no host is contacted.', '',
                  core.render_scale_table(data['plan_scale']), '',
                  'Growth exponent of the in-process time between the two largest sizes: %s (1 = linear).' % exp,
                  '']
    lines += ['## Profiles', '']
    for profile, pdata in data['profiles'].items():
        t = pdata['timers']
        lines.append('- `%s`: `-e \'%s\'`: VRRPv%d, advert_int %g s, priorities %s, health check every %g s, '
                     'fall %d, rise %d; keepalived RestartSec %s s; Master_Down_Interval of the BACKUP %.0f ms, '
                     'skew %.0f ms.' % (
                         profile, json.dumps(pdata['extra_vars']), t['version'], t['advert_int'],
                         ', '.join('%s %d' % kv for kv in sorted(t['priority'].items())), t['hc_interval'],
                         t['hc_fall'], t['hc_rise'], '%g' % t['restart_sec'] if t.get('restart_sec') is not None else '?',
                         pdata['bounds']['master_down_interval_backup'], pdata['bounds']['skew_backup']))
        for skipped in pdata.get('skipped', []):
            lines.append('  - time budget: %(reps)d reps of %(scenario)s skipped' % skipped)
    if pngs:
        lines += ['', '## Timelines (the median repetition of each scenario)', '']
        lines += ['![%s](%s)' % (p[len('timeline-'):-len('.png')], p) for p in pngs]
    if data.get('errors'):
        lines += ['', '## Errors', ''] + ['- %s' % e for e in data['errors']]
    return '\n'.join(lines) + '\n'


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.render:
        data = json.loads(Path(args.render).read_text(encoding='utf-8'))
        render(data, Path(args.render).parent)
        print('rendered %s' % (Path(args.render).parent / 'results.md'))
        return 0

    def names(text):
        return [n for n in (text or '').split(',') if n]

    args.profiles, args.soak_only = names(args.profiles), names(args.soak_only)
    args.scenario_profiles, args.scenarios = names(args.scenario_profiles), names(args.scenarios)
    args.suites, args.soak_suites = names(args.suites), names(args.soak_suites)
    bad = [s for s in args.scenarios if s not in faults.RUNNERS] + [s for s in args.suites if s not in lab.SUITES]
    for name in args.profiles + args.soak_only:
        try:
            core.profile_vars(name)
        except ValueError:
            bad.append(name)
    if bad or args.reps < 1 or args.interval <= 0 or args.timeout <= 0 or not args.suites:
        print('ERROR: unknown profile/scenario/suite %s or bad numbers; profiles: %s (or NAME@ADVERT_INT); '
              'scenarios: %s; suites: %s' % (bad, ', '.join(core.PROFILES), ', '.join(core.SCENARIOS),
                                             ', '.join(lab.SUITES)), file=sys.stderr)
        return 2
    log = Progress()
    if args.check:
        try:
            lab.check_lab_up(lab_probe.fetch)
        except lab.LabError as exc:
            print('ERROR: %s' % exc, file=sys.stderr)
            return 2
        print('the lab is up: http://%s/ answers' % lab.VIP)
        return 0

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = datetime.now().strftime('%Y%m%d-%H%M%S')
    args.work = os.path.join(args.work, run_id)
    os.makedirs(args.work, exist_ok=True)
    inventory = _load_yaml(core.LAB_INVENTORY)
    role_defaults = _load_yaml(core.ROLE_DEFAULTS)
    data = {
        'run_id': run_id, 'command': os.environ.get('BENCH_COMMAND', 'python -m bench ' + ' '.join(argv or sys.argv[1:])),
        'git': lab.git_head(), 'started': datetime.now(timezone.utc).isoformat(timespec='seconds'),
        'settings': {'reps': args.reps, 'interval': args.interval, 'timeout': args.timeout, 'soak': args.soak,
                     'profiles': args.profiles, 'scenarios': args.scenarios, 'cores': os.cpu_count(),
                     'scenario_profiles': args.scenario_profiles, 'soak_only': args.soak_only,
                     'suites': args.suites, 'soak_suites': args.soak_suites, 'stress': not args.no_stress},
        'profiles': {}, 'errors': [],
        'loadavg_start': [round(x, 2) for x in os.getloadavg()],
    }
    json_path = out_dir / ('run-%s.json' % run_id)

    def save():
        json_path.write_text(json.dumps(data, indent=1, sort_keys=True) + '\n', encoding='utf-8')

    start = time.monotonic()
    deadline = start + args.budget * 60
    rc = 0
    try:
        if not args.no_scale:
            log('plan module cost on synthetic inventories')
            data['plan_scale'] = scale.plan_scaling([int(n) for n in args.scale_sizes.split(',')],
                                                    playbook=not args.scale_no_playbook, log=log)
            save()
        if not args.no_convergence:
            log('convergence: site.yml against the reference play, on fresh containers')
            data['convergence'] = converge.measure(1, args.work, log=log)
            save()
        for suite in args.suites:
            lab.start_lab(suite, log)
            for profile in args.profiles + (args.soak_only if suite in args.soak_suites else []):
                if profile not in args.scenario_profiles and (suite not in args.soak_suites or args.soak <= 0):
                    continue  # neither rows nor a soak here
                run_profile(args, data, profile, suite, inventory, role_defaults, lab_probe, log, save, deadline,
                            with_scenarios=profile in args.scenario_profiles and profile not in args.soak_only)
    except (lab.LabError, RuntimeError, OSError, ValueError) as exc:
        data['errors'].append(str(exc))
        print('ERROR: %s' % exc, file=sys.stderr)
        rc = 1
    except KeyboardInterrupt:
        data['errors'].append('interrupted')
        rc = 130
    finally:
        # the lab as make lab leaves it: the default image, the seed profile
        log('restoring the lab of make lab: a fresh bookworm lab with site.yml\'s defaults')
        try:
            lab.start_lab('bookworm', log)
            seconds, _recap, prc = lab.run_playbook({}, os.path.join(args.work, 'restore-seed.log'))
            log('seed profile restored in %.1f s (exit %d)' % (seconds, prc))
        except (lab.LabError, OSError, subprocess.SubprocessError) as exc:
            data['errors'].append('restoring the lab: %s' % exc)
        data['finished'] = datetime.now(timezone.utc).isoformat(timespec='seconds')
        data['loadavg_end'] = [round(x, 2) for x in os.getloadavg()]
        minutes = (time.monotonic() - start) / 60
        data['duration'] = '%d min %d s' % (minutes, (minutes % 1) * 60)
        save()
        md = render(data, out_dir)
        print(md)
        log('wrote %s, %s and the PNGs in %s (%s)' % (json_path.name, 'results.md', out_dir, data['duration']))
    return rc
