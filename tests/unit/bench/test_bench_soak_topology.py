# -*- coding: utf-8 -*-
"""The soak's table and the balancer pair's timers and table: pure logic, no lab."""

from __future__ import annotations


import pytest

from bench import soak, topology


def _phase(transitions=0, host_changes=0, margin=3.6, journal_read=True):
    return {'phase': 'CPU stress', 'seconds': 600, 'probes': 59000, 'failed': 2, 'host_changes': host_changes,
            'transitions': transitions, 'adverts_per_s': 50.0, 'mdi_ms': 72.2, 'margin': margin,
            'journal_read': journal_read, 'journal_unread': [] if journal_read else ['journalctl on web2 failed'],
            'gaps': {'adverts': 30000, 'median_gap_ms': 20.0, 'p999_gap_ms': 21.5, 'max_gap_ms': 20.1},
            'cpu_percent': {'web1': 2.5, 'web2': 1.9}}


def test_soak_table_judges_false_transitions():
    table = soak.render_table([('fast, Debian 13', _phase()), ('fast@0.01, Debian 13', _phase(transitions=2))])
    rows = table.splitlines()[2:]
    assert rows[0].startswith('| fast, Debian 13 | CPU stress | 10 | 59000 | 2 | 0 | 50 | 20.0 / 21.5 / 20.1 | 72 |')
    assert rows[0].endswith('| 3.6 x | 2.50 / 1.90 | met |')
    assert rows[1].endswith('| **MISSED** |')
    # a change of the answering host is a false failover too
    assert soak.render_table([('x', _phase(host_changes=1))]).endswith('| **MISSED** |')


def test_soak_that_could_not_read_the_journal_is_not_met():
    # 0 state changes counted from journals that were not read: not measured, not met
    assert soak.render_table([('x', _phase(journal_read=False))]).endswith(
        '| **NOT MEASURED** (journal not read: journalctl on web2 failed) |')
    old = _phase()
    del old['journal_read']  # a run before the journal read was recorded
    assert soak.verdict(old) == (None, 'journal read not recorded')
    no_gaps = _phase()
    no_gaps['gaps'] = {'adverts': None, 'max_gap_ms': None, 'p999_gap_ms': None, 'median_gap_ms': None}
    no_gaps['margin'] = None
    assert soak.verdict(no_gaps) == (None, 'advert gaps not read')
    # a state change seen is a miss, whatever else was not read
    assert soak.verdict(_phase(transitions=1, journal_read=False))[0] is False


def test_stress_is_one_bounded_busy_loop_per_core():
    procs = soak.start_stress(0.2, cores=2)
    try:
        assert len(procs) == 2
        for p in procs:
            assert p.wait(timeout=10) == 0  # each ends by itself
    finally:
        soak.stop_stress(procs)


def test_scenario_hosts_get_the_address_of_their_platform_from_the_base_config():
    hostvars, groups = topology.scenario_inventory()
    assert groups == {'balancers': ['lb-lb1', 'lb-lb2'], 'backends': ['lb-web1', 'lb-web2']}
    assert dict((h, v['vrrp_address']) for h, v in hostvars.items()) == {
        'lb-lb1': '198.18.18.11', 'lb-lb2': '198.18.18.12', 'lb-web1': '198.18.18.21', 'lb-web2': '198.18.18.22'}
    assert hostvars['lb-lb1']['vrrp_vips'] == ['198.18.18.69/24']


def test_balancer_pair_timers_from_the_plan_of_the_scenario():
    t = topology.timers()
    assert (t['master'], t['backup'], t['vip']) == ('lb-lb1', 'lb-lb2', '198.18.18.69')
    assert t['backends'] == ['lb-web1', 'lb-web2']
    assert t['mdi_ms'] == pytest.approx(3609.4, abs=0.1)  # VRRPv2, priority 100


def test_balancer_pair_table_judges_the_median_against_mdi_plus_one_second():
    data = {'run_id': 'x', 'command': 'make bench-lb', 'git': 'commit x', 'started': 's', 'finished': 'f',
            'settings': {'interval': 0.01, 'timeout': 0.05}, 'timers': topology.timers(), 'errors': [],
            'reps': [{'fault_rc': 0, 'outage_ms': o, 'failed': 300, 'takeover_ms': 3300.0}
                     for o in (3300.0, 3400.0, 5000.0)]}
    assert '| freeze (balancer pair) | 3 | 3300 / 3400 / 5000 |' in topology.render(data)
    assert topology.render(data).count('| met |') == 1
    for rep in data['reps']:
        rep['outage_ms'] = 4700.0
    assert '**MISSED**' in topology.render(data)
