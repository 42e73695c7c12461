# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared set-up of the unit tests.

The collection is imported as ``ansible_collections.failover.keepalived`` through the
link ``.collections/ansible_collections/failover/keepalived -> .`` that ``make`` creates;
tests/pytest.ini puts ``.collections`` (and the repository's root, for lab/ and bench/)
on the path. Under ``ansible-test units`` the collection is importable by itself.
"""

from __future__ import absolute_import, division, print_function

import copy

import pytest


def pytest_configure(config):
    # Test files of different directories share base names (test_vrrp_plan.py in
    # module_utils and in action), and the directories have no __init__.py: pytest's
    # import mode "importlib" imports each by its own path, not as top-level modules of
    # the same name.
    if config.getoption('importmode') == 'prepend':
        config.option.importmode = 'importlib'


GROUP_VARS = {
    'vrrp_vips': ['192.168.56.69'],
    'vrrp_interface': 'eth1',
    'vrrp_vrid': 77,
}


def build_inventory(n=2, group='web', group_vars=None, host_vars=None, net='192.168.56.',
                    first=11, base=None):
    """hostvars and groups (as Ansible gives them) for N hosts GROUP1..GROUPN.

    Every host gets ``ansible_host`` NET+(FIRST+i) and the group_vars (the seed's
    GROUP_VARS, updated with group_vars; a value None removes the variable); host_vars
    maps a host name to variables that update (or, with None, remove) that host's.
    base: existing (hostvars, groups) to add the group to (a host may be in both).
    """
    hostvars, groups = copy.deepcopy(base) if base else ({}, {})
    gvars = dict(GROUP_VARS)
    gvars.update(group_vars or {})
    hosts = ['%s%d' % (group, i + 1) for i in range(n)]
    for i, host in enumerate(hosts):
        hv = hostvars.setdefault(host, {})
        hv.setdefault('ansible_host', '%s%d' % (net, first + i))
        hv.update(copy.deepcopy(gvars))
        hv.update(copy.deepcopy((host_vars or {}).get(host, {})))
        for key in [k for k, v in hv.items() if v is None]:
            del hv[key]
    groups[group] = hosts
    return hostvars, groups


@pytest.fixture
def inventory():
    """The builder of hostvars/groups, see build_inventory."""
    return build_inventory
