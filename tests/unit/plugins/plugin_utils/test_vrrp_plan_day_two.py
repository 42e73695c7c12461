# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Day two in the plan (issue 26): a drained host is never the MASTER, run after run; a
leaving host is planned out of its groups and gets farewell views that hand its VIPs to
the planned MASTER."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PlanError,
    plan_from_inventory,
)


def trio(**host_vars):
    hostvars = dict(('web%d' % i, {'ansible_host': '198.18.46.%d' % (10 + i), 'vrrp_interface': 'eth0',
                                   'vrrp_vips': ['198.18.46.69/24'], 'vrrp_vrid': 46})
                    for i in (1, 2, 3))
    for host, extra in host_vars.items():
        hostvars[host].update(extra)
    return hostvars, {'web': ['web1', 'web2', 'web3']}


def _view(plan, host):
    return plan['hosts'][host][0]


def test_a_drained_host_gets_the_lowest_priority_and_the_next_one_is_master():
    plan = plan_from_inventory(['web'], *trio(web1={'vrrp_drain': True}))
    assert [_view(plan, h)['priority'] for h in ('web1', 'web2', 'web3')] == [99, 101, 100]
    assert _view(plan, 'web2')['state'] == 'MASTER' and _view(plan, 'web1')['state'] == 'BACKUP'


def test_a_drained_host_cannot_be_made_master():
    everywhere = {'vrrp_master': 'web1'}  # -e vrrp_master=web1
    hostvars, groups = trio(web1=dict(everywhere, vrrp_drain=True), web2=everywhere, web3=everywhere)
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups)
    assert err.value.variable == 'vrrp_master' and 'web1 is drained' in str(err.value)


def test_every_member_drained_is_refused():
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], *trio(**dict(('web%d' % i, {'vrrp_drain': True}) for i in (1, 2, 3))))
    assert err.value.variable == 'vrrp_drain' and 'every member of group web is drained' in str(err.value)


def test_a_drained_host_with_the_highest_fixed_priority_is_refused():
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], *trio(web1={'vrrp_drain': True, 'vrrp_priority': 200}))
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_priority')


def test_a_leaving_master_is_planned_out_and_hands_its_vip_over():
    plan = plan_from_inventory(['web'], *trio(web1={'vrrp_leave': True}))
    assert sorted(plan['hosts']) == ['web2', 'web3'] and plan['groups']['web']['members'] == ['web2', 'web3']
    assert _view(plan, 'web2')['state'] == 'MASTER' and _view(plan, 'web2')['priority'] == 101
    assert _view(plan, 'web2')['unicast_peers'] == ['198.18.46.13']
    assert plan['rollout']['leaving'] == ['web1']
    farewell = plan['leaving']['web1'][0]
    # below every priority of the group, as it is and as planned (web3 has 99 now), its old
    # peers, the group's VRID, BACKUP
    assert (farewell['priority'], farewell['state'], farewell['virtual_router_id']) == (98, 'BACKUP', 46)
    assert farewell['unicast_peers'] == ['198.18.46.12', '198.18.46.13']


def test_a_group_of_two_cannot_lose_a_member():
    hostvars, groups = trio(web3={'vrrp_leave': True})
    groups['web'] = ['web1', 'web3']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('web3', 'vrrp_leave')
    assert 'would keep 1 member(s) when web3 leave(s)' in str(err.value)


def test_a_leaving_host_leaves_every_group_it_is_in():
    hostvars, groups = trio(web2={'vrrp_leave': True})
    for host in hostvars:
        hostvars[host]['vrrp_groups'] = {'api': {'vips': ['198.18.46.70/24'], 'vrid': 47}}
    groups['api'] = ['web2', 'web3', 'web1']
    plan = plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)
    assert 'web2' not in plan['hosts']
    assert sorted(v['name'] for v in plan['leaving']['web2']) == ['vi_api', 'vi_web']
    # api's MASTER was web2: web3 is next in api's order
    api = dict((h, [v for v in plan['hosts'][h] if v['group'] == 'api'][0]) for h in ('web1', 'web3'))
    assert api['web3']['state'] == 'MASTER'
