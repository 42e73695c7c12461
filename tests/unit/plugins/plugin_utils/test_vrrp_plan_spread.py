# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several VIPs per group (plugins/plugin_utils/vrrp_plan.py): vrrp_mode spread shares
the MASTERs evenly over N members, IPv6 VIPs give VRRPv3 instances in spread mode too,
sync groups only join instances that share their MASTER, and VRIDs stay unique.

Same ``inventory`` fixture as test_vrrp_plan.py: hosts web1..webN, ansible_host
192.168.56.11.., the seed's group_vars (vrrp_vrid 77, vrrp_interface eth1).
"""

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PlanError,
    plan_from_inventory,
)


def _plan(inventory, specs=('web',), **kwargs):
    hostvars, groups = inventory(**kwargs)
    return plan_from_inventory(list(specs), hostvars, groups)


def _view(plan, host, name):
    matches = [v for v in plan['hosts'][host] if v['name'] == name]
    assert len(matches) == 1, (name, plan['hosts'][host])
    return matches[0]


def _dual_stack(n=2):
    return dict(('web%d' % (i + 1), {'vrrp_address': ['192.168.56.%d' % (11 + i), '2001:db8::%d' % (11 + i)]})
                for i in range(n))


def _spread(m, **extra):
    group_vars = {'vrrp_mode': 'spread', 'vrrp_vips': ['192.168.56.%d' % (100 + i) for i in range(m)]}
    group_vars.update(extra)
    return group_vars


# --- MASTERs rotate evenly ------------------------------------------------------------

@pytest.mark.parametrize('n, m', [(2, 1), (2, 2), (2, 3), (3, 3), (3, 4), (3, 5), (4, 4), (5, 3), (5, 7)])
def test_spread_gives_each_host_an_even_share_of_masters(inventory, n, m):
    plan = _plan(inventory, n=n, group_vars=_spread(m))
    hosts = ['web%d' % (j + 1) for j in range(n)]
    insts = plan['groups']['web']['instances']
    assert len(insts) == m
    masters = {}
    for i, inst in enumerate(insts):
        states = dict((h, _view(plan, h, inst['name'])['state']) for h in hosts)
        assert list(states.values()).count('MASTER') == 1, states
        master = [h for h, s in states.items() if s == 'MASTER'][0]
        # VIP i: MASTER is member i mod N, then the next members in inventory order
        assert master == hosts[i % n]
        order = sorted(hosts, key=lambda h: -inst['priorities'][h])
        assert order == [hosts[(i + k) % n] for k in range(n)]
        assert sorted(inst['priorities'].values()) == list(range(101 - n + 1, 102))
        masters[master] = masters.get(master, 0) + 1
    counts = [masters.get(h, 0) for h in hosts]
    assert set(counts) <= {m // n, -(-m // n)}, counts


def test_spread_three_vips_on_three_hosts_give_each_host_one_master(inventory):
    plan = _plan(inventory, n=3, group_vars=_spread(3))
    for host in ('web1', 'web2', 'web3'):
        states = [v['state'] for v in plan['hosts'][host]]
        assert sorted(states) == ['BACKUP', 'BACKUP', 'MASTER'], (host, states)
        assert [v['name'] for v in plan['hosts'][host]] == ['vi_web_1', 'vi_web_2', 'vi_web_3']
    assert [i['vrid'] for i in plan['groups']['web']['instances']] == [77, 78, 79]


def test_spread_four_vips_on_three_hosts_wrap_to_the_first_host(inventory):
    plan = _plan(inventory, n=3, group_vars=_spread(4))
    insts = plan['groups']['web']['instances']
    assert [_view(plan, 'web1', i['name'])['master'] for i in insts] == ['web1', 'web2', 'web3', 'web1']
    assert insts[3]['priorities'] == insts[0]['priorities'] == {'web1': 101, 'web2': 100, 'web3': 99}
    assert [v['state'] for v in plan['hosts']['web1']] == ['MASTER', 'BACKUP', 'BACKUP', 'MASTER']
    assert [i['vrid'] for i in insts] == [77, 78, 79, 80]
    assert [i['vips'] for i in insts] == [['192.168.56.%d/32' % (100 + k)] for k in range(4)]


def test_spread_vrrp_master_starts_the_rotation_at_that_host(inventory):
    plan = _plan(inventory, n=3, group_vars=_spread(3, vrrp_master='web3'))
    assert [_view(plan, 'web1', 'vi_web_%d' % k)['master'] for k in (1, 2, 3)] == ['web3', 'web1', 'web2']
    assert _view(plan, 'web3', 'vi_web_1')['priority'] == 101


def test_spread_each_backup_waits_its_own_master_down_interval(inventory):
    plan = _plan(inventory, n=3, group_vars=_spread(1))
    downs = [_view(plan, h, 'vi_web_1')['master_down_interval'] for h in ('web1', 'web2', 'web3')]
    # priority 101, 100, 99 with VRRPv2: 3 s + (256 - priority) / 256 s
    assert downs == [3.6055, 3.6094, 3.6133]


def test_host_in_a_spread_group_and_a_single_group_gets_every_instance(inventory):
    hostvars, groups = inventory(n=3, group_vars=_spread(2))
    groups['api'] = ['web2', 'web3']
    plan = plan_from_inventory(
        ['web', {'name': 'api', 'mode': 'single', 'vips': ['192.168.56.70'], 'vrid': 90}], hostvars, groups)
    assert [(v['name'], v['state']) for v in plan['hosts']['web2']] == [
        ('vi_web_1', 'BACKUP'), ('vi_web_2', 'MASTER'), ('vi_api', 'MASTER')]
    assert [(v['name'], v['state']) for v in plan['hosts']['web3']] == [
        ('vi_web_1', 'BACKUP'), ('vi_web_2', 'BACKUP'), ('vi_api', 'BACKUP')]
    assert [v['name'] for v in plan['hosts']['web1']] == ['vi_web_1', 'vi_web_2']
    assert _view(plan, 'web3', 'vi_api')['unicast_peers'] == ['192.168.56.12']
    assert _view(plan, 'web3', 'vi_web_2')['unicast_peers'] == ['192.168.56.11', '192.168.56.12']


# --- IPv6 in spread mode ----------------------------------------------------------------

def test_spread_v6_vips_give_v3_instances_with_v6_peers_and_rotated_masters(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vrid': 60,
                                        'vrrp_vips': ['2001:db8::68/64', '2001:db8::69/64']},
                 host_vars=_dual_stack())
    one, two = _view(plan, 'web2', 'vi_web_1'), _view(plan, 'web2', 'vi_web_2')
    for view in (one, two):
        assert (view['family'], view['version']) == ('ipv6', 3)
        assert (view['unicast_src_ip'], view['unicast_peers']) == ('2001:db8::12', ['2001:db8::11'])
    assert (one['state'], two['state']) == ('BACKUP', 'MASTER')
    assert (one['virtual_router_id'], two['virtual_router_id']) == (60, 61)
    assert (one['vips'], two['vips']) == (['2001:db8::68/64'], ['2001:db8::69/64'])


def test_spread_dual_stack_entry_gives_v4_and_v6_twins_with_one_master(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vips': [
        {'name': 'front', 'addresses': ['192.168.56.68', '2001:db8::68']},
        {'name': 'back', 'addresses': ['192.168.56.69', '2001:db8::69']}]}, host_vars=_dual_stack())
    assert [v['name'] for v in plan['hosts']['web1']] == ['front', 'front_v6', 'back', 'back_v6']
    front, front6 = _view(plan, 'web1', 'front'), _view(plan, 'web1', 'front_v6')
    assert (front['version'], front6['version']) == (2, 3)
    assert front['master'] == front6['master'] == 'web1'
    assert front['virtual_router_id'] == front6['virtual_router_id'] == 77
    assert front6['unicast_peers'] == ['2001:db8::12']
    back, back6 = _view(plan, 'web1', 'back'), _view(plan, 'web1', 'back_v6')
    assert back['master'] == back6['master'] == 'web2'
    assert back['virtual_router_id'] == back6['virtual_router_id'] == 78


def test_spread_v6_vip_needs_a_v6_address_on_every_member(inventory):
    with pytest.raises(PlanError) as err:
        _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vips': ['192.168.56.68', '2001:db8::69']},
              host_vars={'web1': _dual_stack()['web1']})
    assert (err.value.host, err.value.variable) == ('web2', 'vrrp_address')
    assert 'has no ipv6 address, but vrrp_vips[1] 2001:db8::69 is ipv6' in str(err.value)


# --- sync groups ------------------------------------------------------------------------

def test_sync_group_of_one_instance_is_not_made(inventory):
    # keepalived -t refuses it: "Sync group vg_web has only 1 virtual router(s)"
    plan = _plan(inventory, group_vars={'vrrp_sync_group': True})
    assert plan['groups']['web']['sync_groups'] == {}
    assert all('sync_group' not in v for h in ('web1', 'web2') for v in plan['hosts'][h])


def test_spread_sync_groups_join_the_instances_that_share_a_master(inventory):
    plan = _plan(inventory, group_vars=_spread(4, vrrp_sync_group=True))
    assert plan['groups']['web']['sync_groups'] == {
        'vg_web_1': ['vi_web_1', 'vi_web_3'], 'vg_web_2': ['vi_web_2', 'vi_web_4']}
    assert [(v['name'], v['state'], v['sync_group']) for v in plan['hosts']['web2']] == [
        ('vi_web_1', 'BACKUP', 'vg_web_1'), ('vi_web_2', 'MASTER', 'vg_web_2'),
        ('vi_web_3', 'BACKUP', 'vg_web_1'), ('vi_web_4', 'MASTER', 'vg_web_2')]
    # each view names the members of its sync group, as the template renders them
    assert [(v['name'], v['sync_group_instances']) for v in plan['hosts']['web2']] == [
        ('vi_web_1', ['vi_web_1', 'vi_web_3']), ('vi_web_2', ['vi_web_2', 'vi_web_4']),
        ('vi_web_3', ['vi_web_1', 'vi_web_3']), ('vi_web_4', ['vi_web_2', 'vi_web_4'])]


def test_spread_sync_groups_pair_each_vip_with_its_v6_twin(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_sync_group': True, 'vrrp_vips': [
        {'name': 'front', 'addresses': ['192.168.56.68', '2001:db8::68']},
        {'name': 'back', 'addresses': ['192.168.56.69', '2001:db8::69']},
        '192.168.56.70']}, host_vars=_dual_stack())
    # vi_web_3 shares web1's rotation slot with front, front_v6
    assert plan['groups']['web']['sync_groups'] == {
        'vg_web_1': ['front', 'front_v6', 'vi_web_3'], 'vg_web_2': ['back', 'back_v6']}


def test_spread_sync_group_with_one_instance_per_slot_is_not_made(inventory):
    plan = _plan(inventory, group_vars=_spread(2, vrrp_sync_group=True))
    assert plan['groups']['web']['sync_groups'] == {}


def test_sync_group_name_made_by_two_groups_on_one_host_is_an_error(inventory):
    hostvars, groups = inventory(host_vars=_dual_stack(), group_vars=_spread(4, vrrp_sync_group=True))
    groups['web_1'] = ['web1', 'web2']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web', {'name': 'web_1', 'mode': 'single', 'vrid': 90, 'instance_name': 'vi_other',
                                     'vips': ['192.168.56.90', '2001:db8::90']}], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_sync_group')
    assert 'sync group vg_web_1 is made by groups web and web_1' in str(err.value)


# --- VRIDs ------------------------------------------------------------------------------

def test_spread_vip_vrid_equal_to_another_instances_vrid_is_an_error(inventory):
    with pytest.raises(PlanError) as err:
        _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vrid': 51, 'vrrp_vips': [
            '192.168.56.68', {'addresses': ['192.168.56.69'], 'vrid': 51}]})
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_vips[1].vrid')
    assert 'VRID 51 (ipv4) of instance vi_web_1 in group web and of instance vi_web_2 in group web' in str(err.value)


def test_spread_vrids_of_two_groups_on_one_interface_must_not_overlap(inventory):
    hostvars, groups = inventory(group_vars=_spread(3, vrrp_vrid=51))
    groups['api'] = ['web1', 'web2']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web', {'name': 'api', 'mode': 'single', 'vrid': 53,
                                     'vips': ['192.168.56.90']}], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('web1', 'groups[1].vrid')
    assert 'VRID 53 (ipv4) of instance vi_web_3 in group web and of instance vi_api in group api' in str(err.value)
