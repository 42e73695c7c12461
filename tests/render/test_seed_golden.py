# -*- coding: utf-8 -*-
"""The seed inventory must give the seed's own keepalived.conf on each host."""

from __future__ import annotations

from pathlib import Path

import pytest

from keepalived_conf import options, parse

GOLDEN = Path(__file__).resolve().parent / 'golden'


@pytest.mark.parametrize('host', ['web1', 'web2'])
def test_seed_inventory_renders_the_seed_configuration(seed_rendered, host):
    expected = parse((GOLDEN / ('seed-%s.conf' % host)).read_text())
    assert parse(seed_rendered[host]) == expected


@pytest.mark.parametrize('host, state, priority, src, peer', [
    ('web1', 'MASTER', '101', '192.168.56.11', '192.168.56.12'),
    ('web2', 'BACKUP', '100', '192.168.56.12', '192.168.56.11'),
])
def test_seed_options_one_by_one(seed_rendered, host, state, priority, src, peer):
    opts = options(parse(seed_rendered[host]), 'vrrp_instance')
    assert opts['interface'] == ('eth1',)
    assert opts['state'] == (state,)
    assert opts['priority'] == (priority,)
    assert opts['advert_int'] == ('1',)
    assert opts['virtual_router_id'] == ('77',)
    assert opts['unicast_src_ip'] == (src,)
    assert opts['unicast_peer'] == ((peer, (), None),)
    assert opts['authentication'] == (('auth_pass', ('secret',), None), ('auth_type', ('PASS',), None))
    assert opts['virtual_ipaddress'] == (('192.168.56.69/32', (), None),)


def test_comparison_sees_a_changed_option(seed_rendered):
    changed = seed_rendered['web1'].replace('priority 101', 'priority 102')
    assert parse(changed) != parse((GOLDEN / 'seed-web1.conf').read_text())


def test_comparison_ignores_layout_but_not_prefix():
    base = 'vrrp_instance a {\n  virtual_ipaddress {\n 198.18.0.1\n }\n}\n'
    same = '# c\nvrrp_instance a {\n\tvirtual_ipaddress {\n\t\t198.18.0.1/32\n\t}\n}\n'
    other = 'vrrp_instance a {\n  virtual_ipaddress {\n 198.18.0.1/24\n }\n}\n'
    assert parse(base) == parse(same)
    assert parse(base) != parse(other)
