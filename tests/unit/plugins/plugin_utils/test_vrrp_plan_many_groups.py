# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many groups (issue 25): a host in several HA groups gets the instances of all of them,
whatever group a run deploys, each group with its own settings (vrrp_groups); a list of
groups or a parent group deploys each HA group as its own VRRP group; the MASTERs of
different groups roll side by side, those of one group one at a time."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PlanError,
    plan_from_inventory,
)


def _hosts(names, net, first=11, **extra):
    return dict((name, dict({'ansible_host': '%s%d' % (net, first + i)}, **extra))
                for i, name in enumerate(names))


def shared_pair():
    """lb1 and lb2 carry two HA groups, public and internal, on two interfaces; web1 and
    web2 a third group; the settings of each group in vrrp_groups (group_vars/all)."""
    mapping = {
        'public': {'vips': ['198.18.40.69/24'], 'interface': 'eth0', 'vrid': 40},
        'internal': {'vips': ['198.18.41.69/24'], 'interface': 'eth1', 'vrid': 41},
    }
    hostvars = _hosts(['lb1', 'lb2'], '198.18.40.', vrrp_groups=mapping)
    # one address on each group's interface
    hostvars['lb1']['vrrp_address'] = {'public': '198.18.40.11', 'internal': '198.18.41.11'}
    hostvars['lb2']['vrrp_address'] = {'public': '198.18.40.12', 'internal': '198.18.41.12'}
    web = _hosts(['web1', 'web2'], '198.18.42.', vrrp_groups=mapping,
                 vrrp_vips=['198.18.42.69/24'], vrrp_interface='eth0')
    hostvars.update(web)
    groups = {'all': ['lb1', 'lb2', 'web1', 'web2'], 'public': ['lb1', 'lb2'],
              'internal': ['lb2', 'lb1'], 'web': ['web1', 'web2']}
    return hostvars, groups


def _views(plan, host):
    return dict((v['name'], v) for v in plan['hosts'][host])


def test_a_host_in_two_groups_gets_both_whichever_group_is_deployed():
    hostvars, groups = shared_pair()
    # public moves to the internal interface (its own VRID there)
    for host, address in (('lb1', '198.18.41.11'), ('lb2', '198.18.41.12')):
        hostvars[host]['vrrp_address'] = address
    public_moved = dict(hostvars['lb1']['vrrp_groups']['public'], vips=['198.18.41.70/24'], interface='eth1', vrid=42)
    hostvars['lb1']['vrrp_groups'] = hostvars['lb2']['vrrp_groups'] = dict(hostvars['lb1']['vrrp_groups'],
                                                                           public=public_moved)
    public = plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    internal = plan_from_inventory(['internal'], hostvars, groups, inventory_wide=True)
    for plan in (public, internal):
        assert sorted(plan['hosts']) == ['lb1', 'lb2']
        assert sorted(_views(plan, 'lb1')) == ['vi_internal', 'vi_public']
    # each group's instances are the same whichever group the run deploys
    for host in ('lb1', 'lb2'):
        assert _views(public, host) == _views(internal, host)
    assert public['groups']['public']['deployed'] is True and public['groups']['internal']['deployed'] is False
    # each group its own settings and its own MASTER (internal lists lb2 first)
    lb1 = _views(public, 'lb1')
    assert lb1['vi_public']['virtual_router_id'] == 42 and lb1['vi_internal']['virtual_router_id'] == 41
    assert lb1['vi_public']['state'] == 'MASTER' and lb1['vi_internal']['state'] == 'BACKUP'
    # lb1 is a MASTER (of public), lb2 too (of internal): two rounds would hold both
    # groups' hosts; the rounds keep one host of each group
    assert public['rollout']['master_rounds'] == [['lb1'], ['lb2']]


def test_a_switchover_moves_the_deployed_groups_vip_only():
    hostvars, groups = shared_pair()
    for hv in hostvars.values():
        hv['vrrp_master'] = 'lb2'  # -e vrrp_master=lb2
    plan = plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    lb2 = _views(plan, 'lb2')
    assert lb2['vi_public']['state'] == 'MASTER'
    # internal lists lb2 first anyway; lb1 keeps its place in internal
    assert _views(plan, 'lb1')['vi_internal']['priority'] == 100
    groups['internal'] = ['lb1', 'lb2']
    plan = plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    assert _views(plan, 'lb1')['vi_internal']['state'] == 'MASTER'
    assert _views(plan, 'lb2')['vi_public']['state'] == 'MASTER'


def test_groups_sharing_hosts_have_their_own_vips_and_interfaces():
    hostvars, groups = shared_pair()
    plan = plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    lb2 = _views(plan, 'lb2')
    assert lb2['vi_public']['vips'] == ['198.18.40.69/24'] and lb2['vi_public']['interface'] == 'eth0'
    assert lb2['vi_internal']['vips'] == ['198.18.41.69/24'] and lb2['vi_internal']['interface'] == 'eth1'
    # web is no group of lb1/lb2: not planned, only read for its VRID
    assert 'web' not in plan['groups'] and 'web1' not in plan['hosts']


def test_without_per_group_settings_two_groups_on_one_host_are_refused():
    # the shared host's merged variables hold one vrrp_vips: the groups' members disagree
    hostvars = _hosts(['a1', 'a2', 'b1'], '198.18.43.', vrrp_interface='eth0')
    for host in ('a1', 'a2'):
        hostvars[host]['vrrp_vips'] = ['198.18.43.69/24']
    hostvars['b1']['vrrp_vips'] = ['198.18.43.70/24']
    groups = {'a': ['a1', 'a2'], 'b': ['a2', 'b1']}
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['b'], hostvars, groups, inventory_wide=True)
    assert err.value.host == 'b1' and err.value.variable == 'vrrp_vips'
    assert 'differs' in str(err.value)


def test_a_bad_setting_of_a_group_sharing_a_host_names_both_groups():
    hostvars, groups = shared_pair()
    for host in ('lb1', 'lb2'):
        hostvars[host]['vrrp_groups'] = dict(hostvars[host]['vrrp_groups'],
                                             internal=dict(hostvars[host]['vrrp_groups']['internal'], profile='quick'))
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    assert err.value.variable == 'vrrp_groups.internal.profile'
    assert 'group internal shares host lb2 with group public' in str(err.value)
    # deployed alone, web does not care
    assert plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)['hosts']['web1']


def test_a_vrid_that_two_groups_share_on_one_host_names_both():
    hostvars, groups = shared_pair()
    for host in ('lb1', 'lb2'):
        hostvars[host]['vrrp_groups'] = dict(hostvars[host]['vrrp_groups'],
                                             internal=dict(hostvars[host]['vrrp_groups']['internal'],
                                                           interface='eth0', vrid=40, vips=['198.18.40.70/24']))
        hostvars[host]['vrrp_address']['internal'] = hostvars[host]['vrrp_address']['public']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['internal'], hostvars, groups, inventory_wide=True)
    assert 'VRID 40' in str(err.value) and 'group public' in str(err.value) and 'group internal' in str(err.value)


def test_a_host_without_an_address_for_one_of_its_groups_is_named():
    hostvars, groups = shared_pair()
    del hostvars['lb1']['vrrp_address']['internal']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    assert (err.value.host, err.value.variable) == ('lb1', 'vrrp_address')
    assert 'no address for group internal' in str(err.value)


def test_vrrp_groups_must_be_the_same_on_every_member():
    hostvars, groups = shared_pair()
    hostvars['lb2']['vrrp_groups'] = dict(hostvars['lb2']['vrrp_groups'], public={'vips': ['198.18.40.70/24']})
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['public'], hostvars, groups, inventory_wide=True)
    assert (err.value.host, err.value.variable) == ('lb2', 'vrrp_groups.public')


def fleet(pairs=3):
    """Pairs site1..siteN (each its own subnet and group_vars) under a parent group fleet."""
    hostvars, groups = {}, {'all': [], 'fleet': []}
    for i in range(1, pairs + 1):
        names = ['s%da' % i, 's%db' % i]
        hostvars.update(_hosts(names, '198.18.%d.' % (50 + i), vrrp_interface='eth0',
                               vrrp_vips=['198.18.%d.69/24' % (50 + i)]))
        groups['site%d' % i] = names
        groups['fleet'].extend(names)
        groups['all'].extend(names)
    return hostvars, groups


def test_a_parent_group_deploys_each_of_its_ha_groups():
    hostvars, groups = fleet(3)
    plan = plan_from_inventory(['fleet'], hostvars, groups, inventory_wide=True)
    assert sorted(plan['groups']) == ['site1', 'site2', 'site3']
    assert all(g['deployed'] for g in plan['groups'].values())
    assert _views(plan, 's2a')['vi_site2']['state'] == 'MASTER'
    # the MASTERs of the three pairs roll side by side: one round
    assert plan['rollout']['master_rounds'] == [['s1a', 's2a', 's3a']]
    assert plan['rollout']['backups'] == ['s1b', 's2b', 's3b']


def test_a_list_of_groups_is_the_same_as_their_parent():
    hostvars, groups = fleet(3)
    listed = plan_from_inventory(['site1', 'site2', 'site3'], hostvars, groups, inventory_wide=True)
    assert listed == plan_from_inventory(['fleet'], hostvars, groups, inventory_wide=True)


def test_a_parent_group_whose_hosts_share_settings_is_one_group():
    # one VIP for all: the parent is an HA group of its own, as before
    hostvars, groups = fleet(2)
    for hv in hostvars.values():
        hv['vrrp_vips'] = ['198.18.51.69/16']
    plan = plan_from_inventory(['fleet'], hostvars, groups, inventory_wide=True)
    assert list(plan['groups']) == ['fleet']


def test_a_group_that_is_no_ha_group_and_holds_none_says_what_is_missing():
    hostvars, groups = fleet(2)
    del hostvars['s1a']['vrrp_vips']
    groups['mixed'] = ['s1a', 's2a']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['mixed'], hostvars, groups, inventory_wide=True)
    assert err.value.variable == 'vrrp_vips'


def test_spread_groups_roll_side_by_side_one_master_of_each_at_a_time():
    hostvars, groups = fleet(2)
    for hv in hostvars.values():
        hv['vrrp_mode'] = 'spread'
        hv['vrrp_vips'] = [hv['vrrp_vips'][0], hv['vrrp_vips'][0].replace('.69/', '.70/')]
    plan = plan_from_inventory(['fleet'], hostvars, groups, inventory_wide=True)
    assert plan['rollout']['master_rounds'] == [['s1a', 's2a'], ['s1b', 's2b']]


def test_an_alias_group_of_merged_classes_keeps_its_vrid_clash():
    # deployed x holds VRID 10 on 10.0.0.0/24; a and b (one HA group under two names, and
    # their parent) hold it too: a clash, found whatever unrelated groups come after them
    # (a merged class's id was once reused by a later group, which hid the clash)
    hostvars = _hosts(['x1', 'x2'], '10.0.0.', vrrp_interface='eth0', vrrp_vrid=10, vrrp_vips=['10.0.0.100/24'])
    same = dict(vrrp_interface='eth0', vrrp_vrid=10, vrrp_vips=['10.0.0.200/24'])
    hostvars.update(_hosts(['a1', 'a2', 'b1'], '10.0.0.', first=21, **same))
    hostvars.update(_hosts(['d1', 'd2'], '10.9.1.', vrrp_interface='eth0', vrrp_vips=['10.9.1.69/24']))
    hostvars.update(_hosts(['e1', 'e2'], '10.9.2.', vrrp_interface='eth0', vrrp_vips=['10.9.2.69/24']))
    groups = {'x': ['x1', 'x2'], 'a': ['a1', 'a2'], 'b': ['a2', 'b1'], 'parent': ['a1', 'a2', 'b1'],
              'd': ['d1', 'd2'], 'e': ['e1', 'e2']}
    for present in (['d'], ['d', 'e']):
        inv = dict((k, v) for k, v in groups.items() if k in ['x', 'a', 'b', 'parent'] + present)
        with pytest.raises(PlanError) as err:
            plan_from_inventory(['x'], hostvars, inv, inventory_wide=True)
        assert 'VRID 10' in str(err.value), present


# --- issue 27: what keepalived reads, addresses across groups, switchovers, interfaces --

def pair(**group_vars):
    settings = dict({'vrrp_interface': 'eth0', 'vrrp_vips': ['198.18.44.69/24']}, **group_vars)
    return _hosts(['web1', 'web2'], '198.18.44.', **settings), {'web': ['web1', 'web2']}


@pytest.mark.parametrize('change,variable,phrase', [
    ({'vrrp_instance_name': 'vi web'}, 'vrrp_instance_name', "instance name 'vi web' holds a blank"),
    ({'vrrp_vips': [{'name': 'vi{a}', 'addresses': ['198.18.44.69/24']}]}, 'vrrp_vips[0].name',
     "instance name 'vi{a}' holds a brace"),
    ({'vrrp_interface': 'eth0 #x'}, 'vrrp_interface', "interface name 'eth0 #x' holds a blank"),
    ({'vrrp_interface': 'a-very-long-nic-name'}, 'vrrp_interface', 'is 20 bytes (20 characters); keepalived takes at most 15'),
])
def test_strings_written_into_keepalived_conf_are_one_word_each(change, variable, phrase):
    hostvars, groups = pair(**change)
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)
    assert (err.value.host, err.value.variable) == ('web1', variable)
    assert phrase in str(err.value)


def test_a_group_name_that_keepalived_cannot_read_asks_for_an_instance_name():
    hostvars, _groups = pair()
    groups = {'web#1': ['web1', 'web2']}
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web#1'], hostvars, groups, inventory_wide=True)
    assert err.value.variable == 'vrrp_instance_name'
    assert "the group name 'web#1', which names its instance (vi_web#1)" in str(err.value)
    for hv in hostvars.values():
        hv['vrrp_instance_name'] = 'vi_web1'
    assert plan_from_inventory(['web#1'], hostvars, groups)['hosts']['web1'][0]['name'] == 'vi_web1'
    # a sync group is still named after the group
    for hv in hostvars.values():
        hv['vrrp_sync_group'] = True
    with pytest.raises(PlanError):
        plan_from_inventory(['web#1'], hostvars, groups)


def test_one_vip_in_two_groups_is_refused_naming_both():
    hostvars, groups = pair()
    hostvars.update(_hosts(['api1', 'api2'], '198.18.44.', first=21, vrrp_interface='eth0',
                           vrrp_vips=['198.18.44.69/24'], vrrp_vrid=9))
    groups['api'] = ['api1', 'api2']
    for deployed in ('web', 'api'):
        with pytest.raises(PlanError) as err:
            plan_from_inventory([deployed], hostvars, groups, inventory_wide=True)
        other = 'api' if deployed == 'web' else 'web'
        assert ('virtual IP 198.18.44.69 of group %s is also a virtual IP in group %s' % (deployed, other)
                in str(err.value))


def test_a_vip_that_is_another_groups_member_address_is_refused():
    hostvars, groups = pair()
    hostvars.update(_hosts(['api1', 'api2'], '198.18.44.', first=68, vrrp_interface='eth0',
                           vrrp_vips=['198.18.44.70/24'], vrrp_vrid=9))
    groups['api'] = ['api1', 'api2']  # api2 is 198.18.44.69, web's VIP
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)
    assert 'virtual IP 198.18.44.69 of group web is also the address of host api2 in group api' in str(err.value)


def test_a_switchover_that_a_fixed_priority_blocks_fails_naming_it():
    hostvars, groups = pair(vrrp_master='web2')
    hostvars['web1']['vrrp_priority'] = 150
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups)
    assert err.value.variable == 'vrrp_master'
    assert ('a switchover to web2 cannot happen: host web1 has the fixed vrrp_priority 150, above the 101 '
            'that web2 gets') in str(err.value)


def test_hosts_with_other_nic_names_form_a_pair():
    hostvars, groups = pair()
    hostvars['web2']['vrrp_interface'] = 'ens3'
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert plan['hosts']['web1'][0]['interface'] == 'eth0' and plan['hosts']['web2'][0]['interface'] == 'ens3'


def test_a_host_prefix_vip_is_the_bare_address():
    # the members' addresses carry no prefix: a /32 VIP names no subnet to hold them to
    for vip in ('198.18.45.69', '198.18.45.69/32'):
        hostvars, groups = pair(vrrp_vips=[vip])
        plan = plan_from_inventory(['web'], hostvars, groups)
        assert plan['hosts']['web1'][0]['vips'] == ['198.18.45.69/32']
