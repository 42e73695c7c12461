# -*- coding: utf-8 -*-
"""What the template makes of several VIPs per group: one vrrp_instance per VIP in spread
mode with the MASTERs rotated, IPv6 instances in VRRPv3 syntax (version 3, IPv6 unicast
source and peers, no authentication block), and sync groups that only join instances
with the same MASTER. keepalived itself checks the same files in
test_keepalived_accepts.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import render
from keepalived_conf import parse

INVENTORIES = Path(__file__).resolve().parent / 'inventories'


def blocks(text, keyword):
    """{name: {option: args or children}} of every block `keyword NAME { ... }`."""
    out = {}
    for key, args, children in parse(text):
        if key == keyword:
            out[args[0]] = dict((k, c if c is not None else a) for k, a, c in children)
    return out


def entries(children):
    return sorted(k for k, _a, _c in children)


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    stand_in = {'keepalived_script_user': 'nobody'}
    return dict((name, render(INVENTORIES / ('%s.yml' % name), tmp_path_factory.mktemp(name),
                              extra_vars=stand_in))
                for name in ('active_active', 'dual_stack', 'spread_sync'))


@pytest.mark.parametrize('host, states', [
    ('a1', {'vi_web_1': 'MASTER', 'vi_web_2': 'BACKUP'}),
    ('a2', {'vi_web_1': 'BACKUP', 'vi_web_2': 'MASTER'}),
])
def test_active_active_pair_has_one_instance_per_vip_and_a_master_each(rendered, host, states):
    insts = blocks(rendered['active_active'][host], 'vrrp_instance')
    assert dict((name, opts['state'][0]) for name, opts in insts.items()) == states
    assert insts['vi_web_1']['virtual_ipaddress'] == (('198.18.34.68/24', (), None),)
    assert insts['vi_web_2']['virtual_ipaddress'] == (('198.18.34.69/24', (), None),)
    assert (insts['vi_web_1']['virtual_router_id'], insts['vi_web_2']['virtual_router_id']) == (('51',), ('52',))
    for opts in insts.values():
        assert opts['version'] == ('3',) and opts['advert_int'] == ('0.1',)
        assert 'authentication' not in opts
    assert blocks(rendered['active_active'][host], 'vrrp_sync_group') == {}


@pytest.mark.parametrize('host, own, peer', [
    ('d1', '2001:db8:35::11', '2001:db8:35::12'),
    ('d2', '2001:db8:35::12', '2001:db8:35::11'),
])
def test_dual_stack_ipv6_instance_is_vrrpv3_with_ipv6_unicast(rendered, host, own, peer):
    insts = blocks(rendered['dual_stack'][host], 'vrrp_instance')
    assert sorted(insts) == ['vi_web', 'vi_web_v6']
    v4, v6 = insts['vi_web'], insts['vi_web_v6']
    assert v6['version'] == ('3',)
    assert v6['unicast_src_ip'] == (own,)
    assert v6['unicast_peer'] == ((peer, (), None),)
    assert v6['virtual_ipaddress'] == (('2001:db8:35::69/64', (), None),)
    assert 'authentication' not in v6
    # the IPv4 twin stays VRRPv2 with the seed's PASS authentication
    assert 'version' not in v4 and entries(v4['authentication']) == ['auth_pass', 'auth_type']
    assert v4['unicast_src_ip'][0].startswith('198.18.35.')
    assert v4['state'] == v6['state'] and v4['priority'] == v6['priority']


@pytest.mark.parametrize('host, masters', [
    ('s1', ['front', 'front_v6', 'vi_web_4']),
    ('s2', ['back', 'back_v6']),
    ('s3', ['vi_web_3']),
])
def test_spread_sync_groups_join_the_instances_of_one_master(rendered, host, masters):
    text = rendered['spread_sync'][host]
    insts = blocks(text, 'vrrp_instance')
    assert sorted(n for n, o in insts.items() if o['state'] == ('MASTER',)) == sorted(masters)
    groups = dict((name, entries(opts['group'])) for name, opts in blocks(text, 'vrrp_sync_group').items())
    # the same sync groups on every host; vi_web_3 is alone in its slot, so in none
    assert groups == {'vg_web_1': ['front', 'front_v6', 'vi_web_4'], 'vg_web_2': ['back', 'back_v6']}
    for members in groups.values():
        assert len(set(insts[m]['priority'] for m in members)) == 1
