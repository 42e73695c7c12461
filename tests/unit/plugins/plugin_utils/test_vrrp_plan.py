# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VRRP plan (plugins/plugin_utils/vrrp_plan.py): good inputs give the seed's
priorities, states, peers and VRIDs; every bad input is a PlanError naming host and
variable.

The ``inventory`` fixture (tests/unit/conftest.py) builds hostvars/groups for hosts
web1..webN with ansible_host 192.168.56.11.. and the seed's group_vars
(vrrp_vips [192.168.56.69], vrrp_interface eth1, vrrp_vrid 77).
"""

from __future__ import absolute_import, division, print_function

import random
import zlib

import pytest

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PROFILES,
    PlanError,
    derived_vrid,
    master_down_interval,
    parse_ip,
    plan_from_inventory,
    plan_groups,
    vip_to_cidr,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.groups import (
    reserved_address as _reserved_address,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.instances import Instance
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.vrids import (
    first_l2_pair as _first_l2_pair,
    same_l2 as _same_l2,
)


def _view(plan, host, name=None):
    """The one instance of host (or the one named name)."""
    views = plan['hosts'][host]
    if name is None:
        assert len(views) == 1, views
        return views[0]
    matches = [v for v in views if v['name'] == name]
    assert len(matches) == 1, (name, views)
    return matches[0]


def _dual_stack(n=2, group='web', first=11):
    """host_vars giving every host one IPv4 and one IPv6 address."""
    return dict(('%s%d' % (group, i + 1),
                 {'vrrp_address': ['192.168.56.%d' % (first + i), '2001:db8::%d' % (first + i)]})
                for i in range(n))


def _plan(inventory, specs=('web',), **kwargs):
    hostvars, groups = inventory(**kwargs)
    return plan_from_inventory(list(specs), hostvars, groups)


# --- the seed pair and N hosts ---------------------------------------------------------

def test_two_hosts_give_seed_priorities(inventory):
    plan = _plan(inventory)

    web1, web2 = _view(plan, 'web1'), _view(plan, 'web2')
    assert web1 == {
        'name': 'vi_web', 'group': 'web', 'interface': 'eth1', 'family': 'ipv4',
        'version': 2, 'virtual_router_id': 77, 'state': 'MASTER', 'priority': 101,
        'advert_int': 1, 'profile': 'seed',
        'health_check': {'interval': 1, 'timeout': 1, 'fall': 2, 'rise': 2},
        'nopreempt': False, 'unicast_src_ip': '192.168.56.11',
        'unicast_peers': ['192.168.56.12'], 'vips': ['192.168.56.69/32'],
        'advertised_vips': ['192.168.56.69/32'], 'excluded_vips': [], 'pass_auth': True,
        'master': 'web1', 'master_down_interval': 3.6055, 'restart_delay': 5,
    }
    assert web2['state'] == 'BACKUP'
    assert web2['priority'] == 100
    assert web2['unicast_src_ip'] == '192.168.56.12'
    assert web2['unicast_peers'] == ['192.168.56.11']
    assert web2['virtual_router_id'] == 77
    assert web2['vips'] == ['192.168.56.69/32']
    assert web2['master'] == 'web1'
    assert web2['master_down_interval'] == 3.6094
    assert plan['groups'] == {'web': {
        'members': ['web1', 'web2'],
        'instances': [{'name': 'vi_web', 'family': 'ipv4', 'version': 2, 'vrid': 77,
                       'vips': ['192.168.56.69/32'],
                       'priorities': {'web1': 101, 'web2': 100}}],
        'backends': [],
        'deployed': True,
    }}
    assert 'sync_group' not in web1 and 'sync_group' not in plan['groups']['web']


def test_seed_instance_name_is_used(inventory):
    plan = _plan(inventory, group_vars={'vrrp_instance_name': 'vi_1'})
    assert [v['name'] for v in plan['hosts']['web1'] + plan['hosts']['web2']] == ['vi_1', 'vi_1']


def test_vip_with_prefix_is_kept_in_cidr(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': ['192.168.56.69/24', '192.168.56.70']})
    assert _view(plan, 'web1')['vips'] == ['192.168.56.69/24', '192.168.56.70/32']


def test_single_vip_as_a_string_is_a_list_of_one(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': '192.168.56.69'})
    assert _view(plan, 'web2')['vips'] == ['192.168.56.69/32']


def test_n_hosts_give_descending_priorities(inventory):
    plan = _plan(inventory, n=4)
    assert [_view(plan, 'web%d' % i)['priority'] for i in range(1, 5)] == [101, 100, 99, 98]
    assert [_view(plan, 'web%d' % i)['state'] for i in range(1, 5)] == \
        ['MASTER', 'BACKUP', 'BACKUP', 'BACKUP']
    assert _view(plan, 'web3')['unicast_peers'] == ['192.168.56.11', '192.168.56.12', '192.168.56.14']
    assert _view(plan, 'web3')['unicast_src_ip'] == '192.168.56.13'


def test_priority_base_and_step_are_configurable(inventory):
    plan = _plan(inventory, n=3, group_vars={'vrrp_priority_base': 200, 'vrrp_priority_step': 10})
    assert plan['groups']['web']['instances'][0]['priorities'] == {'web1': 200, 'web2': 190, 'web3': 180}


def test_priority_base_and_step_accept_strings(inventory):
    plan = _plan(inventory, group_vars={'vrrp_priority_base': '150', 'vrrp_priority_step': '5'})
    assert plan['groups']['web']['instances'][0]['priorities'] == {'web1': 150, 'web2': 145}


def test_host_priority_override_wins_and_highest_becomes_master(inventory):
    plan = _plan(inventory, n=3, host_vars={'web3': {'vrrp_priority': 150}})
    assert [_view(plan, h)['priority'] for h in ('web1', 'web2', 'web3')] == [101, 100, 150]
    assert [_view(plan, h)['state'] for h in ('web1', 'web2', 'web3')] == ['BACKUP', 'BACKUP', 'MASTER']
    assert set(_view(plan, h)['master'] for h in ('web1', 'web2', 'web3')) == {'web3'}


def test_lower_override_on_first_host_hands_master_to_the_next(inventory):
    plan = _plan(inventory, n=3, host_vars={'web1': {'vrrp_priority': '50'}})
    assert [_view(plan, h)['priority'] for h in ('web1', 'web2', 'web3')] == [50, 100, 99]
    assert _view(plan, 'web2')['state'] == 'MASTER'
    assert _view(plan, 'web1')['state'] == 'BACKUP'


def test_nopreempt_makes_every_state_backup(inventory):
    plan = _plan(inventory, n=3, group_vars={'vrrp_nopreempt': True})
    views = [_view(plan, h) for h in ('web1', 'web2', 'web3')]
    assert [v['state'] for v in views] == ['BACKUP', 'BACKUP', 'BACKUP']
    assert [v['priority'] for v in views] == [101, 100, 99]
    assert all(v['nopreempt'] is True and v['master'] == 'web1' for v in views)


def test_boolean_strings_are_read_as_booleans(inventory):
    plan = _plan(inventory, group_vars={'vrrp_nopreempt': 'yes', 'vrrp_unicast': 'no'})
    web1 = _view(plan, 'web1')
    assert web1['nopreempt'] is True and web1['state'] == 'BACKUP'
    assert web1['unicast_src_ip'] is None


def test_multicast_gives_no_unicast_peers(inventory):
    plan = _plan(inventory, group_vars={'vrrp_unicast': False})
    for host in ('web1', 'web2'):
        assert _view(plan, host)['unicast_src_ip'] is None
        assert _view(plan, host)['unicast_peers'] == []


def test_vrid_given_as_string_is_an_int(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vrid': '42'})
    assert _view(plan, 'web1')['virtual_router_id'] == 42


# --- VRID derived from the name -------------------------------------------------------

def test_vrid_derived_from_group_name_when_unset(inventory):
    first = _plan(inventory, group_vars={'vrrp_vrid': None})
    again = _plan(inventory, group_vars={'vrrp_vrid': None})
    vrid = _view(first, 'web1')['virtual_router_id']
    # CRC-32 of the group name, as documented, mapped to 1..255
    assert vrid == zlib.crc32(b'web') % 255 + 1 == derived_vrid('web') == 105
    assert _view(first, 'web2')['virtual_router_id'] == vrid
    assert _view(again, 'web1')['virtual_router_id'] == vrid
    assert first['groups']['web']['instances'][0]['vrid'] == vrid


def test_derived_vrid_differs_between_group_names():
    assert derived_vrid('web') == 105
    assert derived_vrid('db') == 190
    assert derived_vrid('web') != derived_vrid('db')


def test_derived_vrid_stays_in_1_to_255():
    # g450 and g339 hit the two ends of the range (crc32 % 255 == 0 and == 254)
    assert derived_vrid('g450') == 1
    assert derived_vrid('g339') == 255
    assert all(1 <= derived_vrid('group%d' % i) <= 255 for i in range(2000))


# --- Master_Down_Interval -----------------------------------------------------------

def test_master_down_interval_v2_priority_100_advert_1():
    # 3 * 1 + (256 - 100) / 256 = 3.609375, rounded to 4 places
    assert master_down_interval(1, 100, 2) == 3.6094


def test_master_down_interval_v2_skew_ignores_advert_int():
    # VRRPv2 skew is (256 - priority) / 256 whatever the advert_int
    assert master_down_interval(2, 100, 2) == round(6 + 156 / 256.0, 4) == 6.6094


def test_master_down_interval_v3_scales_skew_with_advert_int():
    # 3 * 0.1 + 156 * 0.1 / 256 = 0.3609375
    assert master_down_interval(0.1, 100, 3) == round(0.3 + 156 * 0.1 / 256, 4) == 0.3609


def test_plan_gives_v3_sub_second_master_down_interval(inventory):
    plan = _plan(inventory, group_vars={'vrrp_version': 3, 'vrrp_advert_int': 0.1})
    web2 = _view(plan, 'web2')
    assert web2['version'] == 3
    assert web2['advert_int'] == 0.1
    assert web2['master_down_interval'] == 0.3609


# --- spread mode (active/active) ------------------------------------------------------

def test_spread_two_vips_on_two_hosts_give_two_masters(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vrid': 51,
                                        'vrrp_vips': ['192.168.56.68/24', '192.168.56.69/24']})
    w1a, w1b = _view(plan, 'web1', 'vi_web_1'), _view(plan, 'web1', 'vi_web_2')
    w2a, w2b = _view(plan, 'web2', 'vi_web_1'), _view(plan, 'web2', 'vi_web_2')
    assert (w1a['state'], w1a['priority'], w2a['state'], w2a['priority']) == ('MASTER', 101, 'BACKUP', 100)
    assert (w1b['state'], w1b['priority'], w2b['state'], w2b['priority']) == ('BACKUP', 100, 'MASTER', 101)
    assert (w1a['master'], w1b['master']) == ('web1', 'web2')
    assert (w1a['virtual_router_id'], w1b['virtual_router_id']) == (51, 52)
    assert (w2a['virtual_router_id'], w2b['virtual_router_id']) == (51, 52)
    assert w1a['vips'] == ['192.168.56.68/24'] and w1b['vips'] == ['192.168.56.69/24']
    assert [v['name'] for v in plan['hosts']['web1']] == ['vi_web_1', 'vi_web_2']


def test_spread_rotates_masters_over_three_hosts(inventory):
    plan = _plan(inventory, n=3, group_vars={
        'vrrp_mode': 'spread', 'vrrp_vips': ['192.168.56.67', '192.168.56.68', '192.168.56.69']})
    insts = plan['groups']['web']['instances']
    assert [i['priorities'] for i in insts] == [
        {'web1': 101, 'web2': 100, 'web3': 99},
        {'web1': 99, 'web2': 101, 'web3': 100},
        {'web1': 100, 'web2': 99, 'web3': 101},
    ]
    assert [_view(plan, 'web1', 'vi_web_%d' % i)['master'] for i in (1, 2, 3)] == ['web1', 'web2', 'web3']


def test_spread_derives_distinct_vrids_per_vip_when_unset(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vrid': None,
                                        'vrrp_vips': ['192.168.56.68', '192.168.56.69']})
    vrids = [i['vrid'] for i in plan['groups']['web']['instances']]
    assert vrids == [derived_vrid('web/vi_web_1'), derived_vrid('web/vi_web_2')] == [182, 170]


def test_spread_vip_dicts_give_name_and_vrid(inventory):
    plan = _plan(inventory, group_vars={'vrrp_mode': 'spread', 'vrrp_vips': [
        {'name': 'front', 'vrid': 90, 'addresses': ['192.168.56.68', '192.168.56.70']},
        '192.168.56.69']})
    front = _view(plan, 'web1', 'front')
    assert front['virtual_router_id'] == 90
    assert front['vips'] == ['192.168.56.68/32', '192.168.56.70/32']
    assert front['state'] == 'MASTER'
    second = _view(plan, 'web2', 'vi_web_2')
    assert second['virtual_router_id'] == 78  # vrrp_vrid 77 + index 1
    assert second['state'] == 'MASTER'


# --- IPv6 -----------------------------------------------------------------------------

def test_v6_vip_makes_a_version_3_instance_with_v6_peers(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': ['2001:db8::69']}, host_vars=_dual_stack())
    web1, web2 = _view(plan, 'web1'), _view(plan, 'web2')
    assert (web1['name'], web1['family'], web1['version']) == ('vi_web', 'ipv6', 3)
    assert web1['vips'] == ['2001:db8::69/128']
    assert web1['unicast_src_ip'] == '2001:db8::11'
    assert web1['unicast_peers'] == ['2001:db8::12']
    assert web2['unicast_peers'] == ['2001:db8::11']
    assert (web1['state'], web2['state']) == ('MASTER', 'BACKUP')


def test_mixed_vips_in_single_mode_give_a_v4_and_a_v6_instance(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': ['192.168.56.69', '2001:db8::69/64']},
                 host_vars=_dual_stack())
    assert [v['name'] for v in plan['hosts']['web1']] == ['vi_web', 'vi_web_v6']
    v4, v6 = _view(plan, 'web2', 'vi_web'), _view(plan, 'web2', 'vi_web_v6')
    assert (v4['family'], v4['version'], v4['vips']) == ('ipv4', 2, ['192.168.56.69/32'])
    assert (v6['family'], v6['version'], v6['vips']) == ('ipv6', 3, ['2001:db8::69/64'])
    assert (v4['unicast_src_ip'], v4['unicast_peers']) == ('192.168.56.12', ['192.168.56.11'])
    assert (v6['unicast_src_ip'], v6['unicast_peers']) == ('2001:db8::12', ['2001:db8::11'])
    assert v4['virtual_router_id'] == v6['virtual_router_id'] == 77
    assert (v4['priority'], v6['priority']) == (100, 100)


def test_v6_vip_allows_sub_second_advert(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': ['2001:db8::69'], 'vrrp_advert_int': '0.5'},
                 host_vars=_dual_stack())
    web2 = _view(plan, 'web2')
    assert web2['advert_int'] == 0.5
    assert web2['master_down_interval'] == round(1.5 + 156 * 0.5 / 256, 4) == 1.8047


# --- several groups, sync groups ------------------------------------------------------

def test_host_in_two_groups_gets_the_instances_of_both(inventory):
    hostvars, groups = inventory(n=3)
    groups['api'] = ['web2', 'web3']
    plan = plan_from_inventory(
        ['web', {'name': 'api', 'vips': ['192.168.56.70'], 'vrid': 78}], hostvars, groups)
    assert [v['name'] for v in plan['hosts']['web1']] == ['vi_web']
    assert [v['name'] for v in plan['hosts']['web2']] == ['vi_web', 'vi_api']
    api_on_web2 = _view(plan, 'web2', 'vi_api')
    assert (api_on_web2['state'], api_on_web2['priority']) == ('MASTER', 101)
    assert api_on_web2['virtual_router_id'] == 78
    assert api_on_web2['unicast_peers'] == ['192.168.56.13']
    assert _view(plan, 'web2', 'vi_web')['state'] == 'BACKUP'
    assert plan['groups']['api']['members'] == ['web2', 'web3']


def test_sync_group_sets_sync_group_on_each_instance(inventory):
    plan = _plan(inventory, group_vars={'vrrp_sync_group': True,
                                        'vrrp_vips': ['192.168.56.69', '2001:db8::69']},
                 host_vars=_dual_stack())
    views = plan['hosts']['web1'] + plan['hosts']['web2']
    assert len(views) == 4
    assert [v['sync_group'] for v in views] == ['vg_web'] * 4
    assert plan['groups']['web']['sync_groups'] == {'vg_web': ['vi_web', 'vi_web_v6']}


def test_sync_group_only_on_the_group_that_asks(inventory):
    hostvars, groups = inventory(host_vars=_dual_stack())
    groups['api'] = ['web1', 'web2']
    plan = plan_from_inventory(
        ['web', {'name': 'api', 'vips': ['192.168.56.70', '2001:db8::70'], 'vrid': 78,
                 'sync_group': True}],
        hostvars, groups)
    assert 'sync_group' not in _view(plan, 'web1', 'vi_web')
    assert _view(plan, 'web1', 'vi_api')['sync_group'] == 'vg_api'
    assert _view(plan, 'web1', 'vi_api_v6')['sync_group'] == 'vg_api'


# --- reading the inventory ----------------------------------------------------------

def test_ansible_host_is_the_address_when_vrrp_address_is_absent(inventory):
    plan = _plan(inventory, first=21)
    assert _view(plan, 'web1')['unicast_src_ip'] == '192.168.56.21'
    assert _view(plan, 'web1')['unicast_peers'] == ['192.168.56.22']


def test_vrrp_address_wins_over_ansible_host(inventory):
    plan = _plan(inventory, host_vars={
        'web1': {'ansible_host': 'web1.example.com', 'vrrp_address': '192.168.56.31'},
        'web2': {'vrrp_address': '192.168.56.32/24'}})
    assert _view(plan, 'web1')['unicast_src_ip'] == '192.168.56.31'
    assert _view(plan, 'web1')['unicast_peers'] == ['192.168.56.32']


def test_dict_group_spec_overrides_members_vars(inventory):
    hostvars, groups = inventory(host_vars={'web2': {'vrrp_interface': 'eth2'}})
    plan = plan_from_inventory([{'name': 'web', 'interface': 'eth3', 'vrid': 5,
                                 'vips': ['192.168.56.70/24'], 'mode': 'single'}],
                               hostvars, groups)
    web2 = _view(plan, 'web2')
    assert web2['interface'] == 'eth3'
    assert web2['virtual_router_id'] == 5
    assert web2['vips'] == ['192.168.56.70/24']


def test_dict_group_spec_may_list_its_members(inventory):
    hostvars, groups = inventory(n=3)
    plan = plan_from_inventory([{'name': 'pair', 'members': ['web3', 'web1']}], hostvars, groups)
    assert plan['groups']['pair']['members'] == ['web3', 'web1']
    assert _view(plan, 'web3')['state'] == 'MASTER'
    assert _view(plan, 'web1')['priority'] == 100
    assert 'web2' not in plan['hosts']


def test_other_host_variables_are_ignored(inventory):
    hostvars, groups = inventory(host_vars={'web1': {'vrrp_unknown': 1, 'foo': object()}})
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert _view(plan, 'web1')['priority'] == 101


def test_plan_groups_takes_explicit_data():
    members = [('a', {'vrrp_address': '10.0.0.1'}), ('b', {'vrrp_address': '10.0.0.2'})]
    plan = plan_groups([{'name': 'lb', 'members': members,
                         'settings': {'vips': ['10.0.0.100'], 'interface': 'eth0', 'vrid': 9}}])
    a, b = _view(plan, 'a'), _view(plan, 'b')
    assert (a['state'], a['priority'], a['unicast_peers']) == ('MASTER', 101, ['10.0.0.2'])
    assert (b['state'], b['priority'], b['unicast_peers']) == ('BACKUP', 100, ['10.0.0.1'])
    assert (a['name'], a['virtual_router_id'], a['interface']) == ('vi_lb', 9, 'eth0')


def test_same_vrid_on_different_l2s_is_not_an_error(inventory):
    base = inventory()
    hostvars, groups = inventory(group='db', net='10.0.0.', base=base,
                                 group_vars={'vrrp_vips': ['10.0.0.69']})
    plan = plan_from_inventory(['web', 'db'], hostvars, groups)
    assert _view(plan, 'web1')['virtual_router_id'] == 77
    assert _view(plan, 'db1')['virtual_router_id'] == 77
    assert _view(plan, 'db1')['unicast_peers'] == ['10.0.0.12']


def test_same_vrid_in_v4_and_v6_on_one_interface_is_not_an_error(inventory):
    hostvars, groups = inventory(host_vars=_dual_stack())
    groups['web6'] = ['web1', 'web2']
    plan = plan_from_inventory(['web', {'name': 'web6', 'vips': ['2001:db8::69']}], hostvars, groups)
    assert _view(plan, 'web1', 'vi_web')['virtual_router_id'] == 77
    assert _view(plan, 'web1', 'vi_web6')['virtual_router_id'] == 77


# --- addresses ------------------------------------------------------------------------

@pytest.mark.parametrize('text, cidr', [
    pytest.param('198.18.77.69', '198.18.77.69/32', id='v4-no-prefix'),
    pytest.param('198.18.77.69/24', '198.18.77.69/24', id='v4-prefix'),
    pytest.param(' 198.18.77.69 ', '198.18.77.69/32', id='v4-spaces'),
    pytest.param('2001:db8::69', '2001:db8::69/128', id='v6-no-prefix'),
    pytest.param('2001:db8::69/64', '2001:db8::69/64', id='v6-prefix'),
])
def test_vip_to_cidr(text, cidr):
    assert vip_to_cidr(text) == cidr


def test_parse_ip_knows_a_subnet_only_from_a_prefix_shorter_than_the_address():
    bare, host, subnet = (parse_ip(t, 'h', 'v') for t in ('198.18.77.69', '198.18.77.69/32', '198.18.77.69/24'))
    # a /32 names no subnet: the same address as the bare one, written or implied
    assert (bare.prefix_known, host.prefix_known, subnet.prefix_known) == (False, False, True)
    assert bare.cidr == host.cidr == '198.18.77.69/32'
    assert parse_ip('2001:db8::69/128', 'h', 'v').prefix_known is False
    assert parse_ip('2001:db8::1', 'h', 'v').family == 'ipv6'


@pytest.mark.parametrize('text', [
    pytest.param('foo', id='word'),
    pytest.param('300.1.1.1', id='octet-over-255'),
    pytest.param('www.example.com', id='hostname'),
    pytest.param('10.1', id='short-v4'),
    pytest.param('fe80::1%eth0', id='v6-zone'),
])
def test_vip_to_cidr_refuses_non_addresses(text):
    with pytest.raises(PlanError) as err:
        vip_to_cidr(text, host='h1', variable='v')
    assert (err.value.host, err.value.variable) == ('h1', 'v')
    assert 'is not an IP address' in str(err.value)


@pytest.mark.parametrize('text', [
    pytest.param('198.18.77.69/33', id='v4-prefix-33'),
    pytest.param('2001:db8::1/129', id='v6-prefix-129'),
    pytest.param('198.18.77.69/', id='empty-prefix'),
    pytest.param('198.18.77.69/abc', id='word-prefix'),
])
def test_vip_to_cidr_refuses_bad_prefixes(text):
    with pytest.raises(PlanError, match='not an IP address with a valid prefix'):
        vip_to_cidr(text)


@pytest.mark.parametrize('ip, net, reserved', [
    pytest.param('10.0.0.0', '10.0.0.0/24', 'network address', id='v4-network'),
    pytest.param('10.0.0.255', '10.0.0.0/24', 'broadcast address', id='v4-broadcast'),
    pytest.param('10.0.0.1', '10.0.0.0/24', None, id='v4-host'),
    pytest.param('10.0.0.3', '10.0.0.0/30', 'broadcast address', id='v4-30-broadcast'),
    pytest.param('10.0.0.0', '10.0.0.0/31', None, id='v4-31-has-none'),
    pytest.param('10.0.0.1', '10.0.0.0/31', None, id='v4-31-has-none-2'),
    pytest.param('10.0.0.0', '10.0.0.0/32', None, id='v4-32-has-none'),
    pytest.param('2001:db8::', '2001:db8::/64', 'subnet-router anycast address', id='v6-anycast'),
    pytest.param('2001:db8::ffff:ffff:ffff:ffff', '2001:db8::/64', None, id='v6-no-broadcast'),
    pytest.param('2001:db8::', '2001:db8::/126', 'subnet-router anycast address', id='v6-126'),
    pytest.param('2001:db8::', '2001:db8::/127', None, id='v6-127-has-none'),
    pytest.param('2001:db8::', '2001:db8::/128', None, id='v6-128-has-none'),
])
def test_reserved_address_of_a_subnet(ip, net, reserved):
    import netaddr
    assert _reserved_address(netaddr.IPAddress(ip), netaddr.IPNetwork(net)) == reserved


def test_vip_in_a_31_or_127_member_subnet_is_fine(inventory):
    # RFC 3021 /31 and RFC 6164 /127: no network/broadcast (anycast) address to refuse
    plan = _plan(inventory, group_vars={'vrrp_vips': ['192.168.56.11', '2001:db8::10']}, host_vars={
        'web1': {'vrrp_address': ['192.168.56.10/31', '2001:db8::11/127']},
        'web2': {'vrrp_address': ['192.168.56.12', '2001:db8::12']}})
    # 192.168.56.11 would be the broadcast address of 192.168.56.10/31, 2001:db8::10 the
    # subnet-router anycast address of 2001:db8::10/127
    assert [v['vips'] for v in plan['hosts']['web1']] == [['192.168.56.11/32'], ['2001:db8::10/128']]


def test_plan_error_str_names_host_and_variable():
    exc = PlanError('web2', 'vrrp_vips[0]', 'boom')
    assert str(exc) == 'host web2: vrrp_vips[0]: boom'
    assert (exc.host, exc.variable) == ('web2', 'vrrp_vips[0]')
    assert isinstance(exc, ValueError)


# --- bad input: one case each ---------------------------------------------------------
# (build_inventory kwargs, group specs, host, variable, phrase of the message)

BAD = [
    pytest.param({'group_vars': {'vrrp_vips': ['foo']}}, None,
                 'web1', 'vrrp_vips[0]', "'foo' is not an IP address", id='vip-foo'),
    pytest.param({'group_vars': {'vrrp_vips': ['300.1.1.1']}}, None,
                 'web1', 'vrrp_vips[0]', "'300.1.1.1' is not an IP address", id='vip-octet-300'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.69', 'vip.example.com']}}, None,
                 'web1', 'vrrp_vips[1]', 'host names are not accepted', id='vip-hostname'),
    pytest.param({'group_vars': {'vrrp_vips': [5]}}, None,
                 'web1', 'vrrp_vips[0]', 'expected an IP address, got 5', id='vip-not-a-string'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.12']}}, None,
                 'web2', 'vrrp_vips[0]', 'is the address of host web2 itself', id='vip-is-member-address'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.69', '2001:db8::69']}}, None,
                 'web1', 'vrrp_address', 'has no ipv6 address, but vrrp_vips[1] 2001:db8::69 is ipv6',
                 id='vip-v6-members-v4-only'),
    pytest.param({'group_vars': {'vrrp_vips': ['10.0.0.5/24']}}, None,
                 'web1', 'vrrp_vips[0]', 'virtual IP 10.0.0.5/24 is outside the subnet of host web1',
                 id='vip-prefix-excludes-members'),
    pytest.param({'n': 3, 'host_vars': {'web3': {'ansible_host': '192.168.57.13'}},
                  'group_vars': {'vrrp_vips': ['192.168.56.69/24']}}, None,
                 'web3', 'vrrp_vips[0]', 'outside the subnet of host web3 (192.168.57.13)',
                 id='vip-prefix-excludes-one-member'),
    pytest.param({'host_vars': {'web2': {'vrrp_address': '192.168.56.12/28'}}}, None,
                 'web2', 'vrrp_vips[0]', 'virtual IP 192.168.56.69 is outside the subnet of host '
                 'web2 (192.168.56.12/28)', id='member-prefix-excludes-vip'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.0/24']}}, None,
                 'web1', 'vrrp_vips[0]', 'virtual IP 192.168.56.0 is the network address of its subnet '
                 '192.168.56.0/24, not a host address', id='vip-network-address'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.69', '192.168.56.255/24']}}, None,
                 'web1', 'vrrp_vips[1]', 'virtual IP 192.168.56.255 is the broadcast address of its subnet '
                 '192.168.56.0/24, not a host address', id='vip-broadcast-address'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.8/30']}}, None,
                 'web1', 'vrrp_vips[0]', 'network address of its subnet 192.168.56.8/30', id='vip-network-address-30'),
    pytest.param({'host_vars': {'web2': {'vrrp_address': '192.168.56.12/24'}},
                  'group_vars': {'vrrp_vips': ['192.168.56.255']}}, None,
                 'web2', 'vrrp_vips[0]', 'virtual IP 192.168.56.255 is the broadcast address of the subnet '
                 '192.168.56.0/24 of host web2 (192.168.56.12/24), not a host address',
                 id='vip-broadcast-of-member-subnet'),
    pytest.param({'host_vars': {'web1': {'vrrp_address': '192.168.56.11/25'}},
                  'group_vars': {'vrrp_vips': ['192.168.56.0']}}, None,
                 'web1', 'vrrp_vips[0]', 'virtual IP 192.168.56.0 is the network address of the subnet '
                 '192.168.56.0/25 of host web1', id='vip-network-of-member-subnet'),
    pytest.param({'group_vars': {'vrrp_vips': ['2001:db8::/64']}, 'host_vars': _dual_stack()}, None,
                 'web1', 'vrrp_vips[0]', 'virtual IP 2001:db8:: is the subnet-router anycast address of its '
                 'subnet 2001:db8::/64, not a host address', id='vip-v6-subnet-router-anycast'),
    pytest.param({'group_vars': {'vrrp_vips': ['2001:db8::/64']}}, None,
                 'web1', 'vrrp_vips[0]', 'subnet-router anycast address', id='vip-v6-anycast-before-family'),
    pytest.param({'group_vars': {'vrrp_vips': ['2001:db8::']},
                  'host_vars': {'web1': {'vrrp_address': ['192.168.56.11', '2001:db8::11/120']},
                                'web2': {'vrrp_address': ['192.168.56.12', '2001:db8::12']}}}, None,
                 'web1', 'vrrp_vips[0]', 'virtual IP 2001:db8:: is the subnet-router anycast address of the '
                 'subnet 2001:db8::/120 of host web1 (2001:db8::11/120)', id='vip-v6-anycast-of-member-subnet'),
    pytest.param({'host_vars': {'web2': {'vrrp_address': '192.168.56.11'}}}, None,
                 'web2', 'vrrp_address', 'address 192.168.56.11 is also the address of host web1 '
                 '(ansible_host); every member of group web needs its own address', id='member-address-duplicate'),
    pytest.param({'n': 3, 'host_vars': {'web3': {'ansible_host': '192.168.56.12'}}}, None,
                 'web3', 'ansible_host', 'address 192.168.56.12 is also the address of host web2 (ansible_host)',
                 id='member-ansible-host-duplicate'),
    pytest.param({'host_vars': {'web1': {'vrrp_address': ['192.168.56.11', '2001:db8::11']},
                                'web2': {'vrrp_address': ['192.168.56.12', '2001:db8::11/64']}}}, None,
                 'web2', 'vrrp_address[1]', 'address 2001:db8::11 is also the address of host web1 '
                 '(vrrp_address[1])', id='member-v6-address-duplicate'),
    pytest.param({'group_vars': {'vrrp_vrid': 0}}, None,
                 'web1', 'vrrp_vrid', 'VRID 0 is outside 1..255', id='vrid-0'),
    pytest.param({'group_vars': {'vrrp_vrid': 256}}, None,
                 'web1', 'vrrp_vrid', 'VRID 256 is outside 1..255', id='vrid-256'),
    pytest.param({'group_vars': {'vrrp_vrid': 'abc'}}, None,
                 'web1', 'vrrp_vrid', "expected an integer, got 'abc'", id='vrid-abc'),
    pytest.param({'group_vars': {'vrrp_vrid': '--5'}}, None,
                 'web1', 'vrrp_vrid', "expected an integer, got '--5'", id='vrid-double-minus'),
    pytest.param({'group_vars': {'vrrp_vrid': 7.5}}, None,
                 'web1', 'vrrp_vrid', 'expected an integer, got 7.5', id='vrid-float'),
    pytest.param({'group_vars': {'vrrp_vrid': True}}, None,
                 'web1', 'vrrp_vrid', 'expected an integer, got True', id='vrid-bool'),
    pytest.param({'host_vars': {'web2': {'vrrp_priority': 0}}}, None,
                 'web2', 'vrrp_priority', 'priority 0 is outside 1..254', id='priority-0'),
    pytest.param({'host_vars': {'web2': {'vrrp_priority': 255}}}, None,
                 'web2', 'vrrp_priority', 'priority 255 is outside 1..254', id='priority-255'),
    pytest.param({'host_vars': {'web2': {'vrrp_priority': 'high'}}}, None,
                 'web2', 'vrrp_priority', "expected an integer, got 'high'", id='priority-word'),
    pytest.param({'host_vars': {'web1': {'vrrp_priority': 150}, 'web2': {'vrrp_priority': 150}}}, None,
                 'web2', 'vrrp_priority', 'priority 150 is also the priority of web1',
                 id='priorities-equal-overrides'),
    pytest.param({'n': 3, 'host_vars': {'web3': {'vrrp_priority': 101}}}, None,
                 'web3', 'vrrp_priority', 'priority 101 is also the priority of web1',
                 id='override-equals-computed-priority'),
    pytest.param({'group_vars': {'vrrp_priority_base': 300}}, None,
                 'web1', 'vrrp_priority_base', 'priority 300 is outside 1..254', id='priority-base-300'),
    pytest.param({'n': 3, 'group_vars': {'vrrp_priority_base': 2}}, None,
                 'web1', 'vrrp_priority_base', 'the group has 3 members, but priorities 2 down by 1 to 1 '
                 'leave room for 2; raise vrrp_priority_base (at most 254, for 254 members with step 1)',
                 id='priority-base-too-low-for-members'),
    pytest.param({'group_vars': {'vrrp_priority_step': 0}}, None,
                 'web1', 'vrrp_priority_step', 'must be 1 or more, got 0', id='priority-step-0'),
    pytest.param({'host_vars': {'web2': {'ansible_host': 'web2.example.com'}}}, None,
                 'web2', 'vrrp_address', 'no address on the VRRP interface', id='member-address-is-a-name'),
    pytest.param({'host_vars': {'web2': {'ansible_host': None}}}, None,
                 'web2', 'vrrp_address', 'no address on the VRRP interface', id='member-without-address'),
    pytest.param({'host_vars': {'web2': {'vrrp_address': 'web2.example.com'}}}, None,
                 'web2', 'vrrp_address', 'host names are not accepted', id='vrrp-address-is-a-name'),
    pytest.param({'host_vars': {'web2': {'vrrp_address': ['192.168.56.12', '192.168.56.13']}}}, None,
                 'web2', 'vrrp_address[1]', 'two ipv4 addresses', id='vrrp-address-two-v4'),
    pytest.param({'n': 1}, None,
                 'web1', 'groups[web]', 'group web has 1 member(s); VRRP needs at least two hosts',
                 id='group-of-one'),
    pytest.param({'group_vars': {'vrrp_vips': []}}, None,
                 'web1', 'vrrp_vips', 'empty: group web needs at least one virtual IP', id='vips-empty'),
    pytest.param({'group_vars': {'vrrp_vips': None}}, None,
                 'web1', 'vrrp_vips', 'not set: group web needs at least one virtual IP', id='vips-unset'),
    pytest.param({'group_vars': {'vrrp_vips': 5}}, None,
                 'web1', 'vrrp_vips', 'expected a list, got 5', id='vips-not-a-list'),
    pytest.param({'group_vars': {'vrrp_vips': ['192.168.56.69', '192.168.56.69/24']}}, None,
                 'web1', 'vrrp_vips[1]', 'virtual IP 192.168.56.69 is listed twice (also in vrrp_vips[0])',
                 id='vip-duplicate'),
    pytest.param({'group_vars': {'vrrp_interface': None}}, None,
                 'web1', 'vrrp_interface', 'not set', id='interface-unset'),
    pytest.param({'group_vars': {'vrrp_interface': ' '}}, None,
                 'web1', 'vrrp_interface', 'expected a non-empty string', id='interface-blank'),
    pytest.param({'group_vars': {'vrrp_advert_int': 0}}, None,
                 'web1', 'vrrp_advert_int', 'must be greater than 0, got 0', id='advert-int-0'),
    pytest.param({'group_vars': {'vrrp_advert_int': -1}}, None,
                 'web1', 'vrrp_advert_int', 'must be greater than 0, got -1', id='advert-int-minus-1'),
    pytest.param({'group_vars': {'vrrp_advert_int': 0.5}}, None,
                 'web1', 'vrrp_advert_int', '0.5 s is sub-second: VRRPv2 carries whole seconds',
                 id='advert-int-sub-second-v2'),
    pytest.param({'group_vars': {'vrrp_advert_int': 0.5, 'vrrp_version': 2}}, None,
                 'web1', 'vrrp_advert_int', 'sub-second', id='advert-int-sub-second-explicit-v2'),
    pytest.param({'group_vars': {'vrrp_advert_int': 'abc'}}, None,
                 'web1', 'vrrp_advert_int', "expected a number, got 'abc'", id='advert-int-word'),
    pytest.param({'group_vars': {'vrrp_advert_int': float('inf')}}, None,
                 'web1', 'vrrp_advert_int', 'expected a finite number', id='advert-int-inf'),
    pytest.param({}, [{'name': 'web', 'advert_int': float('nan')}],
                 'web1', 'groups[0].advert_int', 'expected a finite number', id='advert-int-nan'),
    pytest.param({'group_vars': {'vrrp_advert_int': 256}}, None,
                 'web1', 'vrrp_advert_int', 'at most 255 s with VRRPv2', id='advert-int-over-v2-max'),
    pytest.param({'group_vars': {'vrrp_advert_int': 41, 'vrrp_version': 3}}, None,
                 'web1', 'vrrp_advert_int', 'at most 40.95 s with VRRPv3', id='advert-int-over-v3-max'),
    pytest.param({'group_vars': {'vrrp_advert_int': 0.005, 'vrrp_version': 3}}, None,
                 'web1', 'vrrp_advert_int', "finer than VRRPv3's centiseconds", id='advert-int-under-centisecond'),
    pytest.param({'group_vars': {'vrrp_version': 4}}, None,
                 'web1', 'vrrp_version', 'VRRP version must be 2 or 3, got 4', id='version-4'),
    pytest.param({'group_vars': {'vrrp_version': 2, 'vrrp_vips': ['2001:db8::69']}, 'host_vars': _dual_stack()},
                 None, 'web1', 'vrrp_version', 'IPv6 virtual IPs need VRRP version 3', id='v6-vip-version-2'),
    pytest.param({'group_vars': {'vrrp_mode': 'bogus'}}, None,
                 'web1', 'vrrp_mode', "'bogus' is not a mode (use single or spread)", id='mode-bogus'),
    pytest.param({'group_vars': {'vrrp_unicast': 'maybe'}}, None,
                 'web1', 'vrrp_unicast', "expected a boolean, got 'maybe'", id='unicast-maybe'),
    pytest.param({'group_vars': {'vrrp_nopreempt': 2}}, None,
                 'web1', 'vrrp_nopreempt', 'expected a boolean, got 2', id='nopreempt-2'),
    pytest.param({'group_vars': {'vrrp_instance_name': ''}}, None,
                 'web1', 'vrrp_instance_name', 'expected a non-empty string', id='instance-name-empty'),
    pytest.param({'host_vars': {'web2': {'vrrp_mode': 'spread'}}}, None,
                 'web2', 'vrrp_mode', "'spread' differs from None on web1", id='group-var-differs'),
    pytest.param({'n': 3, 'host_vars': {'web3': {'vrrp_vrid': 78}}}, None,
                 'web3', 'vrrp_vrid', "78 differs from 77 on web1", id='group-var-differs-on-third-host'),
    pytest.param({'host_vars': {'web2': {'vrrp_vips': None}}}, None,
                 'web2', 'vrrp_vips', "None differs from ['192.168.56.69'] on web1",
                 id='group-var-missing-on-one-member'),
    pytest.param({'group_vars': {'vrrp_mode': 'spread'}, 'host_vars': {'web2': {'vrrp_priority': 50}}}, None,
                 'web2', 'vrrp_priority', 'a fixed priority applies only with vrrp_mode single',
                 id='priority-in-spread-mode'),
    pytest.param({'group_vars': {'vrrp_mode': 'spread', 'vrrp_vrid': 255,
                                 'vrrp_vips': ['192.168.56.68', '192.168.56.69']}}, None,
                 'web1', 'vrrp_vrid', 'VRID 255 + 2 VIPs runs past 255', id='spread-vrids-past-255'),
    pytest.param({'group_vars': {'vrrp_vips': [{'addresses': ['192.168.56.69'], 'vrid': 5}]}}, None,
                 'web1', 'vrrp_vips', 'a vrid per VIP applies only with vrrp_mode spread',
                 id='vip-vrid-in-single-mode'),
    pytest.param({'group_vars': {'vrrp_mode': 'spread', 'vrrp_vips': [{'address': '192.168.56.69'}]}}, None,
                 'web1', 'vrrp_vips[0]', 'unknown keys address', id='vip-dict-unknown-key'),
    pytest.param({'group_vars': {'vrrp_mode': 'spread', 'vrrp_vips': [{'addresses': []}]}}, None,
                 'web1', 'vrrp_vips[0].addresses', 'empty', id='vip-dict-no-addresses'),
    pytest.param({'group_vars': {'vrrp_mode': 'spread',
                                 'vrrp_vips': [{'addresses': ['192.168.56.69'], 'vrid': 300}]}}, None,
                 'web1', 'vrrp_vips[0].vrid', 'VRID 300 is outside 1..255', id='vip-dict-vrid-300'),
    pytest.param({}, ['db'],
                 'localhost', 'groups[0]', 'group db is not in the inventory', id='group-not-in-inventory'),
    pytest.param({}, [5],
                 'localhost', 'groups[0]', 'expected a group name or a dict with a name', id='group-spec-not-a-name'),
    pytest.param({}, ['web', 'web'],
                 'web1', 'groups', 'group web is listed twice', id='group-listed-twice'),
    pytest.param({}, [{'name': 'web', 'vrid': 0}],
                 'web1', 'groups[0].vrid', 'VRID 0 is outside 1..255', id='group-spec-override-bad'),
    pytest.param({}, [{'name': 'web', 'vip': ['192.168.56.69']}],
                 'web1', 'groups[0]', 'unknown settings vip', id='group-spec-unknown-setting'),
    pytest.param({}, [{'name': 'web', 'members': ['web1', 'web9']}],
                 'web9', 'groups[0].members', 'host web9 is not in the inventory', id='group-spec-unknown-member'),
    pytest.param({}, [{'name': 'web', 'members': 'web1'}],
                 'localhost', 'groups[0].members', 'expected a list of host names',
                 id='group-spec-members-not-a-list'),
    pytest.param({}, [{'name': 'web', 'members': []}],
                 'localhost', 'groups[web]', 'group web has 0 member(s)', id='group-spec-no-members'),
]


@pytest.mark.parametrize('inv, specs, host, variable, phrase', BAD)
def test_bad_input_names_host_and_variable(inventory, inv, specs, host, variable, phrase):
    hostvars, groups = inventory(**inv)
    with pytest.raises(PlanError) as err:
        plan_from_inventory(specs or ['web'], hostvars, groups)
    exc = err.value
    assert (exc.host, exc.variable) == (host, variable), str(exc)
    assert phrase in str(exc)
    assert str(exc).startswith('host %s: %s: ' % (host, variable))


def test_empty_group_is_an_error(inventory):
    hostvars, groups = inventory()
    groups['web'] = []
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web'], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('localhost', 'groups[web]')
    assert 'group web has 0 member(s); VRRP needs at least two hosts' in str(err.value)


def test_duplicate_vrid_in_two_groups_sharing_host_and_interface(inventory):
    hostvars, groups = inventory(n=3)
    groups['api'] = ['web2', 'web3']
    # api inherits vrrp_vrid 77 and vrrp_interface eth1 from its members' variables
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web', {'name': 'api', 'vips': ['192.168.56.70']}], hostvars, groups)
    exc = err.value
    assert (exc.host, exc.variable) == ('web2', 'vrrp_vrid')
    assert 'VRID 77 (ipv4) of instance vi_web in group web and of instance vi_api in group api' in str(exc)
    assert 'host web2, interface eth1' in str(exc)


def test_duplicate_vrid_in_two_groups_whose_vip_subnet_holds_the_other(inventory):
    base = inventory()
    hostvars, groups = inventory(group='db', first=21, base=base,
                                 group_vars={'vrrp_vips': ['192.168.56.80/24'], 'vrrp_interface': 'eth9'})
    # db's hosts also carry the group_vars of web in this builder: give web's explicitly
    with pytest.raises(PlanError) as err:
        plan_from_inventory([{'name': 'web', 'vips': ['192.168.56.69'], 'interface': 'eth1'}, 'db'],
                            hostvars, groups)
    exc = err.value
    assert (exc.host, exc.variable) == ('db1', 'vrrp_vrid')
    assert 'group web' in str(exc) and 'group db' in str(exc)
    assert 'subnet 192.168.56.0/24' in str(exc)


def test_same_instance_name_in_two_groups_on_one_host(inventory):
    hostvars, groups = inventory()
    groups['api'] = ['web1', 'web2']
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web', {'name': 'api', 'vips': ['192.168.56.70'], 'vrid': 78,
                                     'instance_name': 'vi_web'}], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('web1', 'vrrp_instance_name')
    assert 'instance name vi_web is used by groups web and api' in str(err.value)


def test_errors_are_raised_before_anything_is_returned(inventory):
    # the first group is fine, the second is bad: no partial plan
    base = inventory()
    hostvars, groups = inventory(group='db', net='10.0.0.', base=base,
                                 group_vars={'vrrp_vips': ['10.0.0.69']},
                                 host_vars={'db2': {'vrrp_priority': 0}})
    with pytest.raises(PlanError) as err:
        plan_from_inventory(['web', 'db'], hostvars, groups)
    assert (err.value.host, err.value.variable) == ('db2', 'vrrp_priority')


def test_vrrp_master_rotates_priorities_for_a_switchover(inventory):
    hostvars, groups = inventory(3, group_vars={'vrrp_master': 'web2'})
    plan = plan_from_inventory(['web'], hostvars, groups)
    prios = plan['groups']['web']['instances'][0]['priorities']
    assert prios == {'web2': 101, 'web3': 100, 'web1': 99}
    assert [i['state'] for h in ('web1', 'web2', 'web3') for i in plan['hosts'][h]] == ['BACKUP', 'MASTER', 'BACKUP']


def test_vrrp_master_must_be_a_member(inventory):
    hostvars, groups = inventory(2, group_vars={'vrrp_master': 'db9'})
    with pytest.raises(PlanError) as exc:
        plan_from_inventory(['web'], hostvars, groups)
    assert exc.value.variable == 'vrrp_master'
    assert "'db9' is not a member" in str(exc.value)


def _random_bucket(rnd, size):
    """Instances of one (VRID, family) bucket: random hosts, interfaces, VIP subnets."""
    same = []
    for k in range(size):
        hosts = rnd.sample(['h%d' % i for i in range(12 * size)], rnd.randint(2, 3))
        prefix = rnd.choice([24, 28, 32])
        same.append(Instance(
            name='vi_%d' % k, group=None, family='ipv4', members=hosts,
            interfaces=dict.fromkeys(hosts, rnd.choice(['eth0', 'eth1'])),
            vips=['198.18.%d.%d/%d' % (rnd.randint(0, 15), rnd.randint(1, 254), prefix)],
            addresses=dict((h, '198.18.%d.%d' % (rnd.randint(0, 15), rnd.randint(1, 254))) for h in hosts),
        ))
    return same


@pytest.mark.parametrize('seed', range(40))
def test_indexed_vrid_conflict_search_finds_the_pair_a_pairwise_loop_finds(seed):
    """The indexed search reports the same first pair as comparing every pair would."""
    rnd = random.Random(seed)
    same = _random_bucket(rnd, rnd.randint(2, 12))
    pairwise = next(((i, j) for i in range(len(same)) for j in range(i + 1, len(same))
                     if _same_l2(same[i], same[j])), None)
    assert _first_l2_pair(same) == pairwise


# --- what the template renders as it is: VIP lists, PASS, sync groups, restart delay -----

def test_only_the_first_vip_is_advertised_the_rest_excluded(inventory):
    plan = _plan(inventory, group_vars={'vrrp_vips': ['192.168.56.69/24', '192.168.56.70/24',
                                                      '192.168.56.71/24']})
    view = _view(plan, 'web2')
    assert view['advertised_vips'] == ['192.168.56.69/24']
    assert view['excluded_vips'] == ['192.168.56.70/24', '192.168.56.71/24']
    assert view['vips'] == view['advertised_vips'] + view['excluded_vips']


def test_pass_auth_only_for_vrrp_version_2(inventory):
    assert _view(_plan(inventory), 'web1')['pass_auth'] is True
    assert _view(_plan(inventory, group_vars={'vrrp_version': 3}), 'web1')['pass_auth'] is False


def test_restart_delay_outlasts_a_peers_takeover(inventory):
    plan = _plan(inventory, group_vars={'vrrp_advert_int': 2})
    for host in ('web1', 'web2'):
        view = _view(plan, host)
        assert view['restart_delay'] >= view['master_down_interval'] + view['advert_int']
        assert view['restart_delay'] == int(view['restart_delay'])
    assert _view(plan, 'web2')['restart_delay'] == 9  # ceil(3 x 2 + 156/256 + 2)


# --- timer profiles (vrrp_profile) -------------------------------------------------------

def test_fast_profile_is_vrrpv3_with_its_advert_int_and_health_check(inventory):
    plan = _plan(inventory, group_vars={'vrrp_profile': 'fast'})
    fast = PROFILES['fast']
    for host in ('web1', 'web2'):
        view = _view(plan, host)
        assert (view['profile'], view['version'], view['advert_int']) == ('fast', 3, fast['advert_int'])
        assert view['health_check'] == fast['health_check']
    assert 0.02 <= fast['advert_int'] <= 0.05  # issue 12: 20-50 ms adverts
    # the bounds as for any advert_int: 3 x advert + (256 - 100) x advert / 256 on the BACKUP
    a = fast['advert_int']
    assert _view(plan, 'web2')['master_down_interval'] == pytest.approx(3 * a + 156 * a / 256, abs=1e-4)
    assert _view(plan, 'web2')['master_down_interval'] < 0.15


def test_explicit_timers_win_over_the_profile(inventory):
    plan = _plan(inventory, group_vars={'vrrp_profile': 'fast', 'vrrp_advert_int': 0.05})
    assert _view(plan, 'web1')['advert_int'] == 0.05 and _view(plan, 'web1')['version'] == 3
    plan = _plan(inventory, group_vars={'vrrp_profile': 'seed', 'vrrp_version': 3})
    assert (_view(plan, 'web1')['version'], _view(plan, 'web1')['advert_int']) == (3, 1)


def test_unknown_profile_names_host_and_variable(inventory):
    with pytest.raises(PlanError) as exc:
        _plan(inventory, group_vars={'vrrp_profile': 'turbo'})
    assert str(exc.value).startswith('host web1: vrrp_profile:') and '(use fast or seed)' in str(exc.value)


def test_fast_profile_with_vrrpv2_is_refused_naming_the_profile(inventory):
    with pytest.raises(PlanError) as exc:
        _plan(inventory, group_vars={'vrrp_profile': 'fast', 'vrrp_version': 2})
    assert str(exc.value).startswith('host web1: vrrp_profile:') and 'sub-second' in str(exc.value)


# --- a balancer pair in front of backends (vrrp_backends) ---------------------------------

def _balancers(inventory, group_vars=None, backend_vars=None, n_backends=2):
    base = inventory(n=n_backends, group='be', first=21, group_vars=dict(
        dict((k, None) for k in ('vrrp_vips', 'vrrp_interface', 'vrrp_vrid')), **(backend_vars or {})))
    hostvars, groups = inventory(group='lb', base=base, group_vars=dict({'vrrp_backends': 'be'}, **(group_vars or {})))
    return hostvars, groups


def test_backends_of_a_balancer_pair_in_inventory_order(inventory):
    hostvars, groups = _balancers(inventory)
    plan = plan_from_inventory(['lb'], hostvars, groups)
    assert sorted(plan['hosts']) == ['lb1', 'lb2']  # the backends get no VRRP instance
    lb = _view(plan, 'lb1')['load_balancer']
    assert lb == _view(plan, 'lb2')['load_balancer']
    assert (lb['mode'], lb['lvs_kind'], lb['backends_group'], lb['port']) == ('haproxy', None, 'be', 80)
    assert lb['backends'] == [{'name': 'be1', 'address': '192.168.56.21'}, {'name': 'be2', 'address': '192.168.56.22'}]
    assert lb['virtual_servers'] == [{'address': '192.168.56.69', 'port': 80,
                                      'real_servers': ['192.168.56.21', '192.168.56.22']}]
    # the VRRP side is the seed's pair
    assert (_view(plan, 'lb1')['state'], _view(plan, 'lb1')['priority']) == ('MASTER', 101)


def test_lvs_modes_and_port(inventory):
    hostvars, groups = _balancers(inventory, group_vars={'vrrp_lb_mode': 'lvs_dr', 'vrrp_backend_port': 8080})
    lb = _view(plan_from_inventory(['lb'], hostvars, groups), 'lb1')['load_balancer']
    assert (lb['mode'], lb['lvs_kind'], lb['virtual_servers'][0]['port']) == ('lvs_dr', 'DR', 8080)


def test_a_group_without_backends_has_no_load_balancer(inventory):
    assert 'load_balancer' not in _view(_plan(inventory), 'web1')


@pytest.mark.parametrize('group_vars, backend_vars, host, variable, words', [
    ({'vrrp_backends': 'nope'}, None, 'lb1', 'vrrp_backends', 'group nope is not in the inventory'),
    ({'vrrp_lb_mode': 'nginx'}, None, 'lb1', 'vrrp_lb_mode', "'nginx' is not a load-balancing mode"),
    ({'vrrp_backend_port': 70000}, None, 'lb1', 'vrrp_backend_port', 'outside 1..65535'),
    (None, {'ansible_host': 'be-one.example', 'vrrp_address': None}, 'be1', 'vrrp_address', 'no address'),
])
def test_bad_balancer_input_names_host_and_variable(inventory, group_vars, backend_vars, host, variable, words):
    hostvars, groups = _balancers(inventory, group_vars=group_vars, backend_vars=backend_vars)
    with pytest.raises(PlanError) as exc:
        plan_from_inventory(['lb'], hostvars, groups)
    assert str(exc.value).startswith('host %s: %s:' % (host, variable)) and words in str(exc.value)


def test_a_balancer_cannot_be_its_own_backend(inventory):
    hostvars, groups = _balancers(inventory)
    groups['be'] = ['be1', 'lb2']
    with pytest.raises(PlanError) as exc:
        plan_from_inventory(['lb'], hostvars, groups)
    assert str(exc.value).startswith('host lb2: vrrp_backends:')


def test_backends_of_another_family_than_the_vip_are_refused(inventory):
    hostvars, groups = _balancers(inventory, backend_vars={'ansible_host': None})
    for i, host in enumerate(groups['be']):
        hostvars[host]['vrrp_address'] = '2001:db8::%d' % (21 + i)
    with pytest.raises(PlanError) as exc:
        plan_from_inventory(['lb'], hostvars, groups)
    assert 'has an ipv4 address' in str(exc.value) and str(exc.value).startswith('host lb1: vrrp_backends:')
