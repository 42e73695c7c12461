# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/fleet.py without a lab: the inventory plans N pairs, the targets are judged."""

from __future__ import absolute_import, division, print_function

import pytest

from bench import fleet
from plugins.plugin_utils.vrrp_plan import plan_from_inventory


def hostvars_and_groups(inv):
    """What Ansible would give the plan for this inventory (group vars under host vars)."""
    web = inv['all']['children']['web']
    hostvars = {}
    for host, host_vars in web['hosts'].items():
        hostvars[host] = dict(inv['all']['vars'], **web['vars'])
        hostvars[host].update(host_vars)
    groups = {'all': list(web['hosts']), 'web': list(web['hosts'])}
    sites = inv['all']['children']['fleet']['children']
    for site, entry in sites.items():
        groups[site] = list(entry['hosts'])
    groups['fleet'] = [h for entry in sites.values() for h in entry['hosts']]
    return hostvars, groups


def test_eight_pairs_plan_as_eight_groups_with_the_reference_s_masters():
    inv = fleet.inventory(8)
    hostvars, groups = hostvars_and_groups(inv)
    plan = plan_from_inventory(['fleet'], hostvars, groups)
    assert sorted(plan['groups']) == ['site%d' % n for n in range(1, 9)]
    for pair in range(1, 9):
        master = 'fleet-p%da' % pair
        ref = hostvars[master]['reference_keepalived']
        assert ref['state'] == 'MASTER' and ref['vip'] == fleet.pair_vip(pair) + '/24'
        assert plan['hosts'][master][0]['state'] == 'MASTER'
    # one L2: every group's VRID differs
    vrids = set(g['instances'][0]['vrid'] for g in plan['groups'].values())
    assert len(vrids) == 8


def test_targets_judged_against_one_pair_and_the_reference():
    records = [
        {'pairs': 1, 'playbook': 'site.yml', 'first': 40.0, 'rerun': 8.0},
        {'pairs': 8, 'playbook': 'site.yml', 'first': 150.0, 'rerun': 30.0},
        {'pairs': 8, 'playbook': 'reference', 'first': 140.0, 'rerun': 31.0},
    ]
    s = fleet.summarize(records, [1, 8])
    verdicts = dict((t['what'], (t['ratio'], t['met'])) for t in s['targets'])
    assert verdicts == {
        '8 pairs, first: site.yml / reference': (1.07, False),
        'first: 8 pairs / 1 pair': (3.75, True),
        '8 pairs, rerun: site.yml / reference': (0.97, True),
        'rerun: 8 pairs / 1 pair': (3.75, False),
    }
    assert s['met'] is False
    table = fleet.render_table(s)
    assert '| 8 | site.yml | 150.0 s | 18.8 s | 30.0 s | 3.8 s |' in table
    assert '| 8 pairs, first: site.yml / reference | 1.07 | <= 1.0 | missed |' in table


def test_sizes_outside_the_subnet_are_refused():
    assert fleet.parse_pairs('8,1,2,4') == [1, 2, 4, 8]
    with pytest.raises(ValueError):
        fleet.parse_pairs('16')


def test_a_parent_of_one_pair_deploys_that_pair():
    # the parent group holds the same hosts as its only child: it stands for the child
    hostvars, groups = hostvars_and_groups(fleet.inventory(1))
    plan = plan_from_inventory(['fleet'], hostvars, groups)
    assert list(plan['groups']) == ['site1']
