# -*- coding: utf-8 -*-
"""Only the first VIP of a VRRP instance goes into its adverts (virtual_ipaddress); the
others are virtual_ipaddress_excluded. keepalived drops an advert whose address list
differs from its own ("received an unexpected ip number count"), so with every VIP in the
adverts, a rolling change that adds or removes one (site.yml changes the BACKUPs first)
made the changed BACKUP ignore the MASTER and take over: two MASTERs until the MASTER
was changed too (molecule/faults, docs/faults.md). keepalived itself checks the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STAND_IN, check, render
from keepalived_conf import parse

INVENTORIES = Path(__file__).resolve().parent / 'inventories'
# group -> the inventory it is rendered from: the same pair, three VIPs and one
GROUPS = {'web': INVENTORIES / 'several_vips_single.yml', 'one': INVENTORIES / 'one_vip_single.yml'}


def instance(text):
    """{option: args or children} of the only vrrp_instance."""
    insts = [children for key, _args, children in parse(text) if key == 'vrrp_instance']
    assert len(insts) == 1
    return dict((k, c if c is not None else a) for k, a, c in insts[0])


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    out = {}
    for group, inventory in GROUPS.items():
        out.update(render(inventory, tmp_path_factory.mktemp(group), group=group, extra_vars=STAND_IN))
    return out


@pytest.mark.parametrize('host', ['v1', 'v2'])
def test_only_the_first_vip_is_advertised(rendered, host):
    inst = instance(rendered[host])
    assert inst['virtual_ipaddress'] == (('198.18.37.69/24', (), None),)
    assert inst['virtual_ipaddress_excluded'] == (('198.18.37.70/24', (), None), ('198.18.37.71/24', (), None))


@pytest.mark.parametrize('host, same', [('v1', 'o1'), ('v2', 'o2')])
def test_adding_vips_keeps_the_adverts(rendered, host, same):
    one = instance(rendered[same])
    assert 'virtual_ipaddress_excluded' not in one
    assert instance(rendered[host])['virtual_ipaddress'] == one['virtual_ipaddress']


@pytest.mark.parametrize('host', ['v1', 'v2', 'o1', 'o2'])
def test_keepalived_accepts_excluded_vips(netns, rendered, tmp_path, host):
    path = tmp_path / 'keepalived.conf'
    path.write_text(rendered[host])
    result = check(netns, path)
    assert result.returncode == 0, result.stdout + result.stderr
