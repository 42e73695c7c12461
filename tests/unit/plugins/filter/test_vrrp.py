# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters of plugins/filter/vrrp.py: vrrp_cidr, vrrp_plan, vrrp_peers."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.failover.keepalived.plugins.filter import vrrp as vrrp_filters
from ansible_collections.failover.keepalived.plugins.filter.vrrp import (
    FilterModule,
    vrrp_cidr,
    vrrp_peers,
    vrrp_plan,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils import vrrp_plan as vp
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan import values as plan_values


def test_filter_module_exports_the_three_filters():
    filters = FilterModule().filters()
    assert sorted(filters) == ['vrrp_cidr', 'vrrp_peers', 'vrrp_plan']
    assert filters['vrrp_cidr'] is vrrp_cidr
    assert filters['vrrp_peers'] is vrrp_peers
    assert filters['vrrp_plan'] is vrrp_plan


# --- vrrp_cidr ------------------------------------------------------------------------

@pytest.mark.parametrize('text, cidr', [
    pytest.param('198.18.77.69', '198.18.77.69/32', id='v4-gets-32'),
    pytest.param('198.18.77.69/24', '198.18.77.69/24', id='v4-prefix-kept'),
    pytest.param('2001:db8::69', '2001:db8::69/128', id='v6-gets-128'),
    pytest.param('2001:db8::69/64', '2001:db8::69/64', id='v6-prefix-kept'),
])
def test_vrrp_cidr(text, cidr):
    assert vrrp_cidr(text) == cidr


@pytest.mark.parametrize('text, phrase', [
    pytest.param('foo', "'foo' is not an IP address", id='word'),
    pytest.param('web1.example.com', 'host names are not accepted', id='hostname'),
    pytest.param('300.1.1.1', "'300.1.1.1' is not an IP address", id='octet-300'),
    pytest.param('198.18.77.69/33', 'not an IP address with a valid prefix', id='prefix-33'),
    pytest.param('', "expected an IP address, got ''", id='empty'),
    pytest.param(None, 'expected an IP address, got None', id='none'),
])
def test_vrrp_cidr_bad_input_raises_filter_error(text, phrase):
    with pytest.raises(AnsibleFilterError) as err:
        vrrp_cidr(text)
    msg = str(err.value)
    assert msg.startswith('vrrp_cidr: ')
    assert 'vrrp_cidr input' in msg
    assert phrase in msg


# --- vrrp_plan ------------------------------------------------------------------------

def test_vrrp_plan_equals_plan_from_inventory(inventory):
    hostvars, groups = inventory(n=3, host_vars={'web3': {'vrrp_priority': 120}})
    result = vrrp_plan(['web'], hostvars, groups)
    assert result == vp.plan_from_inventory(['web'], hostvars, groups)
    assert result['hosts']['web3'][0]['state'] == 'MASTER'
    assert result['groups']['web']['instances'][0]['priorities'] == {'web1': 101, 'web2': 100, 'web3': 120}


def test_vrrp_plan_reads_the_whole_inventory_as_the_module_does(inventory):
    base = inventory(group='api179', first=21, group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24']})
    hostvars, groups = inventory(base=base, group_vars={'vrrp_vrid': None})
    assert vrrp_plan(['web'], hostvars, groups)['groups']['web']['instances'][0]['vrid'] == 106
    assert vrrp_plan(['web'], hostvars, groups, inventory_wide=False)['groups']['web']['instances'][0]['vrid'] == 105


def test_vrrp_plan_takes_a_single_group_name(inventory):
    hostvars, groups = inventory()
    result = vrrp_plan('web', hostvars, groups)
    assert result == vp.plan_from_inventory(['web'], hostvars, groups)
    assert result['hosts']['web1'][0]['unicast_peers'] == ['192.168.56.12']


def test_vrrp_plan_takes_a_single_group_dict(inventory):
    hostvars, groups = inventory()
    result = vrrp_plan({'name': 'web', 'vrid': 9}, hostvars, groups)
    assert result['hosts']['web2'][0]['virtual_router_id'] == 9


def test_vrrp_plan_bad_input_raises_filter_error_naming_host_and_variable(inventory):
    hostvars, groups = inventory(host_vars={'web2': {'vrrp_priority': 255}})
    with pytest.raises(AnsibleFilterError) as err:
        vrrp_plan(['web'], hostvars, groups)
    assert str(err.value).startswith('vrrp_plan: host web2: vrrp_priority: priority 255 is outside')


def test_vrrp_plan_without_netaddr_raises_filter_error(inventory, monkeypatch):
    hostvars, groups = inventory()
    monkeypatch.setattr(plan_values, 'netaddr', None)
    with pytest.raises(AnsibleFilterError, match='vrrp_plan: .*pip install netaddr'):
        vrrp_filters.vrrp_plan(['web'], hostvars, groups)


# --- vrrp_peers -----------------------------------------------------------------------

@pytest.fixture
def mixed_plan(inventory):
    hostvars, groups = inventory(n=3, group_vars={'vrrp_vips': ['192.168.56.69', '2001:db8::69']},
                                 host_vars=dict(('web%d' % i, {'vrrp_address': [
                                     '192.168.56.%d' % (10 + i), '2001:db8::%d' % (10 + i)]})
                                     for i in (1, 2, 3)))
    return vp.plan_from_inventory(['web'], hostvars, groups)


def test_vrrp_peers_of_one_instance(mixed_plan):
    assert vrrp_peers(mixed_plan, 'web2', 'vi_web') == ['192.168.56.11', '192.168.56.13']
    assert vrrp_peers(mixed_plan, 'web2', 'vi_web_v6') == ['2001:db8::11', '2001:db8::13']


def test_vrrp_peers_of_all_instances_of_a_host(mixed_plan):
    assert vrrp_peers(mixed_plan, 'web1') == ['192.168.56.12', '192.168.56.13',
                                              '2001:db8::12', '2001:db8::13']


def test_vrrp_peers_lists_each_peer_once(inventory):
    hostvars, groups = inventory()
    groups['api'] = ['web1', 'web2']
    plan = vp.plan_from_inventory(['web', {'name': 'api', 'vips': ['192.168.56.70'], 'vrid': 78}],
                                  hostvars, groups)
    assert len(plan['hosts']['web1']) == 2
    assert vrrp_peers(plan, 'web1') == ['192.168.56.12']


def test_vrrp_peers_of_an_unknown_instance_is_empty(mixed_plan):
    assert vrrp_peers(mixed_plan, 'web1', 'nope') == []


def test_vrrp_peers_of_a_host_not_in_the_plan(mixed_plan):
    with pytest.raises(AnsibleFilterError, match='vrrp_peers: host db1 is not in the plan'):
        vrrp_peers(mixed_plan, 'db1')
