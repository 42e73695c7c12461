# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's pure logic (bench/core.py, bench/scale.py): outage from a synthetic
probe trace, bounds from the collection's plan, targets, tables. No lab needed."""

from __future__ import absolute_import, division, print_function

import json
import math

import pytest
import yaml

from bench import core, scale


def trace_of(*segments, interval=10.0, start=0.0):
    """[(body, count), ...] -> [[ms, body], ...], one probe every `interval` ms."""
    out, ms = [], start
    for body, count in segments:
        for _probe in range(count):
            out.append([round(ms, 1), body])
            ms += interval
    return out


def analyze(*segments, before='web1', interval=10.0):
    trace = trace_of(*segments, interval=interval)
    return core.analyze(core.to_runs(trace), before, trace[-1][0] + interval if trace else 0.0)


# --- runs and outage ----------------------------------------------------------------------

def test_to_runs_is_run_length():
    runs = core.to_runs([[0, 'web1'], [10, 'web1'], [20, None], [30, 'web2'], [40, 'web2']])
    assert runs == [[0, 10, 'web1', 2], [20, 20, None, 1], [30, 40, 'web2', 2]]


def test_switch_with_failed_probes():
    # web1 answers until 90 ms, 30 probes fail (100..390), web2 from 400 ms
    m = analyze(('web1', 10), (None, 30), ('web2', 10))
    assert m['switched'] is True
    assert m['after'] == 'web2' and m['final'] == 'web2'
    assert m['last_good_ms'] == 90.0 and m['first_new_ms'] == 400.0
    assert m['outage_ms'] == 310.0
    assert m['failed'] == 30 and m['failed_total'] == 30 and m['failed_other'] == 0
    assert m['host_changes'] == 1


def test_make_before_break_switch_is_one_interval():
    m = analyze(('web1', 5), ('web2', 5))
    assert m['outage_ms'] == 10.0 and m['failed'] == 0 and m['after'] == 'web2'


def test_background_failures_are_not_the_outage():
    # a lone failed probe long before the switch (load), then the real outage
    m = analyze(('web1', 5), (None, 1), ('web1', 20), (None, 4), ('web2', 5))
    assert m['outage_ms'] == 50.0  # last web1 at 250, web2 at 300
    assert m['failed'] == 4 and m['failed_total'] == 5 and m['failed_other'] == 1


def test_no_answer_before_the_new_host_counts_from_the_fault():
    m = analyze((None, 20), ('web2', 3))
    assert m['last_good_ms'] == 0.0 and m['outage_ms'] == 200.0 and m['failed'] == 20


def test_no_switch_is_the_longest_gap():
    # crash, keepalived back in time: web1 drops the VIP for a while, then web1 again
    m = analyze(('web1', 10), (None, 7), ('web1', 10), (None, 2), ('web1', 3))
    assert m['switched'] is False and m['after'] == 'web1'
    assert m['outage_ms'] == 80.0 and m['failed'] == 7 and m['failed_other'] == 2


def test_no_failure_at_all_is_one_probe_interval():
    m = analyze(('web1', 50))
    assert m['outage_ms'] == 10.0 and m['failed'] == 0 and m['switched'] is False


def test_outage_still_open_at_the_end():
    m = analyze(('web1', 3), (None, 50))
    assert m['outage_ms'] is None
    assert m['open_ms'] == pytest.approx(510.0)  # last good at 20 ms, end at 530 ms
    assert m['failed'] == 50


def test_crash_trace_switch_then_preemption():
    # web1, VIP dropped, web2 takes over, web1 preempts: the outage is the first switch
    m = analyze(('web1', 100), (None, 50), ('web2', 100), ('web1', 10))
    assert m['after'] == 'web2' and m['final'] == 'web1'
    assert m['outage_ms'] == 510.0 and m['host_changes'] == 2


def test_a_move_is_judged_from_its_window():
    # a playbook run: a false failover (load) at 100-190 ms, the planned move at 1000 ms
    trace = trace_of(('web1', 10), (None, 10), ('web2', 5), ('web1', 75), ('web2', 20))
    runs = core.to_runs(trace)
    whole = core.analyze(runs, 'web1')
    assert whole['first_new_ms'] == 200.0 and whole['failed'] == 10
    start = 900.0
    assert core.answering_at(runs, start) == 'web1'
    move = core.analyze(runs, core.answering_at(runs, start), trace[-1][0], start_ms=start)
    assert move['after'] == 'web2' and move['first_new_ms'] == 1000.0
    assert move['outage_ms'] == 10.0 and move['failed'] == 0 and move['failed_total'] == 0


def test_clip_runs_cuts_a_straddling_run():
    runs = [[0.0, 100.0, 'web1', 11], [110.0, 200.0, None, 10]]
    assert core.clip_runs(runs, 50.0) == [[50.0, 100.0, 'web1', 6], [110.0, 200.0, None, 10]]
    assert core.clip_runs(runs, 150.0) == [[150.0, 200.0, None, 6]]  # 150, 160, ..., 200


def _move_rec(segments, events, before='web1', expect='web2'):
    trace = trace_of(*segments)
    return {'row': 'switchover', 'before': before, 'expect': expect, 'runs': core.to_runs(trace),
            'end_ms': trace[-1][0] + 10.0, 'events': events, 'fault_rc': 0, 'probe_timeout_ms': 50.0}


RELOADS = [[1000.0, 'web1', 'Reload complete'], [5000.0, 'web2', 'Reload complete']]


def test_move_is_judged_from_the_new_masters_reload():
    # the playbook runs 10 s; web2 is reloaded at 5 s and takes over 3.6 s later;
    # a lone failed probe (load) at 2 s is not the move
    events = RELOADS + [[8600.0, 'web1', '(vi_web) Entering BACKUP STATE'],
                        [8605.0, 'web2', '(vi_web) Entering MASTER STATE']]
    rec = core.reanalyze(_move_rec([('web1', 200), (None, 1), ('web1', 659), (None, 1), ('web2', 139)], events))
    m = rec['metrics']
    assert m['window_from_ms'] == 4000.0 and m['after'] == 'web2'
    assert m['last_good_ms'] == 8590.0 and m['first_new_ms'] == 8610.0 and m['failed'] == 1
    assert m['failed_after_state_change'] == 1
    assert rec['first_wave_failed'] == 1  # the lone failure at 2000 ms, between the two reloads
    assert rec['takeover_ms'] == 3605.0
    assert not core.invalid(rec)


def test_a_failure_before_any_state_change_is_not_the_moves():
    events = RELOADS + [[8655.0, 'web1', '(vi_web) Entering BACKUP STATE'],
                        [8658.0, 'web2', '(vi_web) Entering MASTER STATE']]
    # probes: web1 until 8590, failures at 8600 and 8610 (the first >50 ms before any change)
    rec = core.reanalyze(_move_rec([('web1', 860), (None, 2), ('web2', 100)], events))
    assert rec['metrics']['failed'] == 2 and rec['metrics']['failed_after_state_change'] == 1


def test_a_false_failover_before_the_move_makes_it_invalid():
    events = RELOADS + [[3000.0, 'web1', 'VRRP_Script(chk_service) timed_out'],
                        [3001.0, 'web1', '(vi_web) Entering FAULT STATE']]
    rec = core.reanalyze(_move_rec([('web1', 300), (None, 10), ('web2', 690)], events))
    assert core.invalid(rec) and 'false failover' in rec['invalid']


def test_return_takeover_from_the_journal():
    events = [[400.0, 'web1', 'Starting VRRP child process, pid=9'], [500.0, 'web1', '(vi_web) Entering BACKUP STATE'],
              [4105.5, 'web1', '(vi_web) Entering MASTER STATE']]
    trace = trace_of(('web2', 410), (None, 1), ('web1', 30))
    rec = core.reanalyze({'row': 'return', 'before': 'web2', 'expect': 'web1', 'runs': core.to_runs(trace),
                          'end_ms': 4420.0, 'events': events})
    assert rec['takeover_ms'] == 3605.5 and rec['metrics']['after'] == 'web1'


def test_count_failed_in_a_window():
    runs = core.to_runs(trace_of(('web1', 10), (None, 10), ('web2', 10)))
    assert core.count_failed(runs, 0.0, 1000.0) == 10
    assert core.count_failed(runs, 150.0, 170.0) == 3  # 150, 160, 170
    assert core.count_failed(runs, 250.0, 400.0) == 0


@pytest.mark.parametrize('text, seconds', [('1s', 1.0), ('5s', 5.0), ('500ms', 0.5), ('1min 30s', 90.0),
                                           ('0', 0.0), ('100ms', 0.1), ('', None), ('soon', None)])
def test_systemd_seconds(text, seconds):
    assert core.systemd_seconds(text) == (None if seconds is None else pytest.approx(seconds))


# --- profiles and bounds ------------------------------------------------------------------

@pytest.fixture(scope='module')
def lab_inventory():
    return yaml.safe_load(core.LAB_INVENTORY.read_text())


@pytest.fixture(scope='module')
def role_defaults():
    return yaml.safe_load(core.ROLE_DEFAULTS.read_text())


def test_seed_profile_timers_and_bounds(lab_inventory, role_defaults):
    t = core.profile_timers(lab_inventory, role_defaults, core.PROFILES['seed'])
    assert (t['master'], t['backup']) == ('web1', 'web2')
    assert t['version'] == 2 and t['advert_int'] == 1.0
    assert t['priority'] == {'web1': 101, 'web2': 100}
    b = core.bounds_ms(t)
    mdi = core.vrrp_plan.master_down_interval
    assert b['freeze'] == b['crash'] == round(mdi(1, 100, 2) * 1000, 1) == 3609.4
    assert b['graceful'] == pytest.approx(609.4, abs=0.1)  # (256 - 100) / 256 s
    assert b['apache'] == pytest.approx(t['hc_fall'] * t['hc_interval'] * 1000 + 609.4, abs=0.1)
    assert b['switchover'] is None
    assert b['takeover_new_master'] == round(mdi(1, 101, 2) * 1000, 1)


def test_fast_profile_is_vrrpv3_sub_second(lab_inventory, role_defaults):
    t = core.profile_timers(lab_inventory, role_defaults, core.PROFILES['fast'])
    plan_fast = core.vrrp_plan.PROFILES['fast']
    assert core.PROFILES['fast'] == {'vrrp_profile': 'fast'}  # one variable
    assert t['profile'] == 'fast' and t['version'] == 3 and t['advert_int'] == plan_fast['advert_int']
    # the health check of the plan's profile (the role raises it to 1 s before keepalived 2.3.2)
    assert (t['hc_interval'], t['hc_timeout'], t['hc_fall']) == tuple(
        plan_fast['health_check'][k] for k in ('interval', 'timeout', 'fall'))
    b = core.bounds_ms(t)
    a = plan_fast['advert_int']
    assert b['freeze'] == pytest.approx((3 * a + 156 * a / 256) * 1000, abs=0.1)
    assert b['graceful'] == pytest.approx(156 * a / 256 * 1000, abs=0.1)
    assert b['freeze'] < 150


def test_profile_names_with_an_advert_int_and_unknown_ones():
    assert core.profile_vars('fast@0.02') == {'vrrp_profile': 'fast', 'vrrp_advert_int': 0.02}
    assert core.profile_vars('seed') == {}
    with pytest.raises(ValueError):
        core.profile_vars('turbo')


def test_check_timers_read_from_a_rendered_config():
    conf = ('global_defs {\n}\nvrrp_script chk_service {\n    script "/bin/true"\n    interval 0.1\n'
            '    timeout 0.25\n    fall 2\n    rise 2\n}\nvrrp_instance vi {\n    advert_int 0.03\n}\n')
    assert core.check_timers_of_config(conf) == {'interval': 0.1, 'timeout': 0.25, 'fall': 2.0, 'rise': 2.0}
    assert core.check_timers_of_config('vrrp_instance vi {\n    interval 3\n}\n') == {}


def test_switchover_target_master_is_rotated(lab_inventory, role_defaults):
    t = core.profile_timers(lab_inventory, role_defaults, dict(core.PROFILES['seed'], vrrp_master='web2'))
    assert (t['master'], t['backup']) == ('web2', 'web1')
    assert t['priority'] == {'web1': 100, 'web2': 101}


# --- summaries, targets, tables -----------------------------------------------------------

def test_summarize_counts_a_miss_as_longest():
    s = core.summarize([300.0, None, 100.0])
    assert s['n'] == 3 and s['misses'] == 1
    assert s['min'] == 100.0 and s['median'] == 300.0 and math.isinf(s['max'])


def _reps(outages, failed=0, takeovers=None):
    reps = [{'metrics': {'outage_ms': o, 'failed': failed, 'failed_other': 0, 'after': 'web2'}} for o in outages]
    for rep, takeover in zip(reps, takeovers or []):
        rep['takeover_ms'] = takeover
    return reps


def _timers(lab_inventory, role_defaults, profile):
    t = core.profile_timers(lab_inventory, role_defaults, core.PROFILES[profile])
    return t, core.bounds_ms(t)


def test_targets_met_and_missed(lab_inventory, role_defaults):
    t, b = _timers(lab_inventory, role_defaults, 'seed')
    ok = core.row_summary('freeze', 'seed', t, b, _reps([3100.0, 3200.0, 3300.0]))
    assert ok['target']['met'] is True and ok['ratio'] == pytest.approx(3200 / 3609.4, abs=0.01)
    late = core.row_summary('freeze', 'seed', t, b, _reps([3900.0, 3900.0, 100.0]))
    assert late['target']['met'] is False
    t, b = _timers(lab_inventory, role_defaults, 'fast')
    # the fast profile: 150 ms for a crash's takeover or a freeze, 500 ms for Apache with a
    # sub-second check, no failed probe in a switchover
    assert core.row_summary('crash', 'fast', t, b, _reps([10.0], takeovers=[150.0]))['target']['met'] is True
    assert core.row_summary('crash', 'fast', t, b, _reps([10.0], takeovers=[151.0]))['target']['met'] is False
    assert core.row_summary('freeze', 'fast, Debian 13', t, b, _reps([151.0]))['target']['met'] is False
    assert core.row_summary('graceful', 'fast', t, b, _reps([120.0]))['target']['met'] is True
    assert core.row_summary('graceful', 'fast', t, b, _reps([None]))['target']['met'] is False
    assert t['hc_interval'] < 1
    assert core.row_summary('apache', 'fast', t, b, _reps([500.0]))['target']['met'] is True
    assert core.row_summary('apache', 'fast', t, b, _reps([501.0]))['target']['met'] is False
    whole = dict(t, hc_interval=1.0)  # keepalived 2.2.7: the role raised the check to 1 s
    apache_limit = (whole['hc_fall'] * 1.0 + 1) * 1000
    assert core.row_summary('apache', 'fast', whole, b, _reps([apache_limit]))['target']['met'] is True
    assert core.row_summary('apache', 'fast', whole, b, _reps([apache_limit + 1]))['target']['met'] is False
    assert core.row_summary('switchover', 'fast', t, b, _reps([10.0], failed=0))['target']['met'] is True
    assert core.row_summary('switchover', 'fast', t, b, _reps([60.0], failed=1))['target']['met'] is False
    assert core.row_summary('switchover', 'seed', t, b, _reps([60.0], failed=1))['target']['met'] is True
    assert core.takeover_target('crash', 'fast@0.02', t, b, {'median': 149.0})['met'] is True
    assert core.takeover_target('crash', 'fast', t, b, {'median': 151.0})['met'] is False
    assert core.takeover_target('freeze', 'fast', t, b, {'median': 151.0})['met'] is False
    seed, seed_bounds = _timers(lab_inventory, role_defaults, 'seed')
    # the seed profile's crash: 1.05 x the BACKUP's Master_Down_Interval, on the takeover
    assert core.takeover_target('crash', 'seed', seed, seed_bounds, {'median': 3789.0})['met'] is True
    assert core.takeover_target('crash', 'seed', seed, seed_bounds, {'median': 3791.0})['met'] is False
    assert core.takeover_target('freeze', 'seed', seed, seed_bounds, {'median': 3000.0})['met'] is None
    assert core.row_summary('stop', 'fast', t, b, _reps([60.0]))['target']['met'] is None


def test_outage_table_flags_a_miss(lab_inventory, role_defaults):
    t, b = _timers(lab_inventory, role_defaults, 'seed')
    # one miss in three leaves the median a time; two misses make it a miss
    one = core.row_summary('freeze', 'seed', t, b, _reps([3100.0, None, 3000.0]))
    assert one['outage']['median'] == 3100.0 and one['target']['met'] is True
    rows = [core.row_summary('freeze', 'seed', t, b, _reps([3100.0, None, None])),
            core.row_summary('switchover', 'seed', t, b, _reps([10.0, 20.0]))]
    md = core.render_outage_table(rows)
    lines = md.splitlines()
    assert lines[0].startswith('| Scenario | Profile | Reps |') and len(lines) == 4
    assert '| freeze | seed | 3 | 3100 / miss / miss |' in lines[2]
    assert '3609' in lines[2] and '**MISSED**' in lines[2]
    assert '0 (make before break)' in lines[3] and '| met |' in lines[3]


def test_a_failed_fault_command_is_left_out(lab_inventory, role_defaults):
    t, b = _timers(lab_inventory, role_defaults, 'seed')
    reps = _reps([120.0, 3100.0, 3300.0])
    reps[0]['fault_rc'] = 1  # docker pause: unable to freeze
    s = core.row_summary('freeze', 'seed', t, b, reps)
    assert s['reps'] == 2 and s['invalid'] == 1 and s['outage']['min'] == 3100.0
    assert '| freeze | seed | 2 (+1 invalid) | 3100 / 3200 / 3300 |' in core.render_outage_table([s])


def test_takeover_and_scale_tables(lab_inventory, role_defaults):
    t, b = _timers(lab_inventory, role_defaults, 'seed')
    reps = _reps([10.0, 10.0])
    reps[0]['takeover_ms'], reps[1]['takeover_ms'] = 3600.0, 3620.0
    s = core.row_summary('switchover', 'seed', t, b, reps)
    md = core.render_takeover_table([s], {'seed': b})
    assert '| switchover | seed | 2 | 3600 / 3610 / 3620 | 3606 | 1.00 |' in md
    rows = [{'hosts': 1000, 'groups': 290, 'inproc_min_s': 0.1, 'inproc_median_s': 0.11},
            {'hosts': 10000, 'groups': 2900, 'inproc_min_s': 1.2, 'inproc_median_s': 1.3,
             'playbook_wall_s': 80.0, 'playbook_task_s': 30.0}]
    md = core.render_scale_table(rows)
    assert '| 10000 | 2900 | 1200.0 / 1300.0 | - | 120 | 80.0 | 30.00 | in process < 1 s: **MISSED** |' in md
    assert core.growth_exponent(rows) == pytest.approx(math.log(12) / math.log(10), abs=0.01)


# --- synthetic inventories ----------------------------------------------------------------

@pytest.mark.parametrize('hosts', [2, 3, 7, 10, 11, 100, 1001])
def test_group_sizes_add_up_in_2_to_5(hosts):
    sizes = scale.group_sizes(hosts)
    assert sum(sizes) == hosts and all(2 <= s <= 5 for s in sizes)


def test_plan_scaling_in_process_only():
    rows = scale.plan_scaling(sizes=(10, 20), repeats=2, playbook=False, log=lambda text: None)
    assert [r['hosts'] for r in rows] == [10, 20]
    assert all(0 <= r['vrid_check_s'] <= r['inproc_min_s'] * 2 for r in rows)
    assert core.vrrp_plan.check_vrid_conflicts.__name__ == 'check_vrid_conflicts'  # restored


def test_synthetic_inventory_plans_in_benchmark_range():
    hostvars, groups = scale.synthetic_inventory(100)
    assert len(hostvars) == 100
    assert all(hv['vrrp_address'].startswith('198.18.') for hv in hostvars.values())
    plan = core.vrrp_plan.plan_from_inventory(list(groups), hostvars, groups)
    assert len(plan['hosts']) == 100
    masters = [h for h, v in plan['hosts'].items() if v[0]['state'] == 'MASTER']
    assert len(masters) == len(groups)
    text = scale.inventory_yaml(hostvars, groups)
    doc = yaml.safe_load(text)
    assert doc['all']['vars']['ansible_connection'] == 'local'
    assert len(doc['all']['children']) == len(groups)


def test_crash_takeover_is_the_backups_master_state_after_the_fault(lab_inventory, role_defaults):
    # SIGKILL at 0: web1 keeps the stale VIP and answers, web2 takes over at its down timer;
    # an older MASTER line of web2 (before the fault) and web1's own lines do not count
    events = [[-5000.0, 'web2', '(vi_web) Entering MASTER STATE'], [10.0, 'web1', 'Stopped keepalived'],
              [3612.0, 'web2', '(vi_web) Entering MASTER STATE']]
    trace = trace_of(('web1', 361), ('web2', 100))
    rec = core.reanalyze({'row': 'crash', 'before': 'web1', 'expect': None, 'runs': core.to_runs(trace),
                          'end_ms': 4610.0, 'events': events})
    assert rec['takeover_ms'] == 3612.0 and rec['metrics']['outage_ms'] == 10.0
    t, b = _timers(lab_inventory, role_defaults, 'seed')
    s = core.row_summary('crash', 'seed', t, b, [rec])
    md = core.render_takeover_table([s], {'seed': b})
    assert '| crash | seed | 1 | 3612 / 3612 / 3612 | %s | 1.00 |' % core.fmt_ms(b['crash']) in md


def test_longest_gap_whoever_answers():
    # the backends take turns; the balancer freezes at 40 ms, the VIP answers again at 300
    trace = [[0, 'web1'], [10, 'web2'], [20, 'web1'], [30, 'web2'], [40, None], [140, None],
             [240, None], [300, 'web1'], [310, 'web2']]
    gap = core.longest_gap(core.to_runs(trace))
    assert gap == {'gap_ms': 270.0, 'from_ms': 30, 'to_ms': 300, 'failed': 3}
    assert core.longest_gap(core.to_runs([[0, 'web1'], [10, None]]))['gap_ms'] is None


def test_crash_takeover_counts_from_the_kill_in_the_journal():
    rec = {'row': 'crash', 'before': 'web1', 'runs': [[0, 500, 'web1', 51]], 'end_ms': 500,
           'events': [[62.0, 'web1', 'keepalived.service: Sending signal SIGKILL to process 1622 (keepalived) on '
                       'client request.'], [150.0, 'web2', '(vi_web) Entering MASTER STATE']]}
    assert core.reanalyze(rec)['takeover_ms'] == 88.0 and rec['fault_at_ms'] == 62.0
    rec['events'] = rec['events'][1:]  # no kill line: from the fault command's start
    assert core.reanalyze(rec)['takeover_ms'] == 150.0


# --- the crash row on recorded runs (bench/results) ----------------------------------------

def _recorded(run, profile, row):
    """(row summary, reps, profile data) of a committed run, analysed by this code."""
    data = json.loads((core.ROOT / 'bench' / 'results' / run).read_text())
    pdata = data['profiles'][profile]
    reps = [core.reanalyze(r) for r in pdata['reps'] if r['row'] == row]
    return core.row_summary(row, profile, pdata['timers'], pdata['bounds'], reps), reps, pdata


def test_recorded_crash_is_judged_on_the_takeover_from_the_journal():
    s, _reps_, _pdata = _recorded('run-20261204-183849.json', 'fast, Debian 13', 'crash')
    assert s['outage']['median'] < 11  # what a client saw: the killed MASTER kept answering
    assert s['takeover']['median'] == 52.8
    assert s['target'] == {'text': 'takeover (journal) median <= 150 ms', 'met': True}


def test_recorded_crash_whose_takeover_exceeds_the_target_is_missed_though_clients_saw_10_ms():
    # run 20261125, the 0.1 s profile of issue 4: docs/bench.md said met, from the outage
    s, _reps_, _pdata = _recorded('run-20261125-191114.json', 'fast', 'crash')
    assert s['outage']['median'] < 11
    assert s['takeover']['median'] == 383.7
    assert s['target'] == {'text': 'takeover (journal) median <= 379 ms', 'met': False}


def test_a_crash_with_no_takeover_at_all_is_missed():
    _s, reps, pdata = _recorded('run-20261204-183849.json', 'fast, Debian 13', 'crash')
    for rep in reps:  # the BACKUP never became MASTER
        rep['events'] = [e for e in rep['events'] if 'Entering MASTER STATE' not in e[2]]
        core.reanalyze(rep)
    s = core.row_summary('crash', 'fast, Debian 13', pdata['timers'], pdata['bounds'], reps)
    assert s['outage']['median'] < 11  # judged on this, as before, the row was met
    assert s['takeover']['misses'] == 5
    assert s['target']['met'] is False
