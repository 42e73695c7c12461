# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the plan says of a rolling deploy (plugins/plugin_utils/vrrp_plan.py): rollout's
backups (MASTER of nothing), masters, balancers and their backends, and each group's
backends, so that playbooks need not work them out of the host views again.

Same ``inventory`` fixture as test_vrrp_plan.py: hosts web1..webN, ansible_host
192.168.56.11.., the seed's group_vars (vrrp_vrid 77, vrrp_interface eth1); the balancer
pair is inventories/load_balancer, read as Ansible reads it.
"""

from __future__ import absolute_import, division, print_function

import importlib.util
from pathlib import Path

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    plan_from_inventory,
)

TOP = Path(__file__).resolve().parents[4]


def _read_inventory(path):
    """(hostvars, groups) of an inventory file, as Ansible resolves them: docs/plan_tables.py's
    reader, which fills docs/topologies.md from the same inventories."""
    spec = importlib.util.spec_from_file_location('plan_tables', str(TOP / 'docs' / 'plan_tables.py'))
    plan_tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plan_tables)
    return plan_tables.read_inventory(path)


def test_seed_pair_rolls_out_web2_then_web1(inventory):
    hostvars, groups = inventory()
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert plan['rollout'] == {'backups': ['web2'], 'masters': ['web1'], 'master_rounds': [['web1']],
                               'balancers': [], 'backends': [], 'leaving': []}
    assert plan['groups']['web']['backends'] == []


def test_balancer_pair_of_the_load_balancer_inventory():
    hostvars, groups = _read_inventory(TOP / 'inventories' / 'load_balancer' / 'hosts.yml')
    plan = plan_from_inventory(['balancers'], hostvars, groups, inventory_wide=True)
    assert plan['rollout'] == {'backups': ['lb2'], 'masters': ['lb1'], 'master_rounds': [['lb1']],
                               'balancers': ['lb1', 'lb2'],
                               'backends': ['web1', 'web2'], 'leaving': []}
    assert plan['groups']['balancers']['backends'] == ['web1', 'web2']


def test_backends_shared_by_two_balancer_pairs_are_listed_once(inventory):
    no_vrrp = dict((k, None) for k in ('vrrp_vips', 'vrrp_interface', 'vrrp_vrid'))
    base = inventory(n=3, group='be', first=21, group_vars=no_vrrp)
    base = inventory(group='lb', first=31, base=base, group_vars={'vrrp_backends': 'be'})
    hostvars, groups = inventory(group='api', first=41, base=base,
                                 group_vars={'vrrp_backends': 'be', 'vrrp_vrid': 78, 'vrrp_vips': ['192.168.56.70']})
    plan = plan_from_inventory(['lb', 'api'], hostvars, groups)
    assert plan['rollout']['balancers'] == ['lb1', 'lb2', 'api1', 'api2']
    assert plan['rollout']['backends'] == ['be1', 'be2', 'be3']
    assert plan['groups']['lb']['backends'] == plan['groups']['api']['backends'] == ['be1', 'be2', 'be3']


def test_spread_mode_makes_every_host_a_master(inventory):
    hostvars, groups = inventory(3, group_vars={'vrrp_mode': 'spread',
                                                'vrrp_vips': ['192.168.56.100', '192.168.56.101', '192.168.56.102']})
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert plan['rollout'] == {'backups': [], 'masters': ['web1', 'web2', 'web3'],
                               # one group: its MASTERs one at a time
                               'master_rounds': [['web1'], ['web2'], ['web3']],
                               'balancers': [], 'backends': [], 'leaving': []}


def test_nopreempt_makes_every_host_a_backup(inventory):
    hostvars, groups = inventory(3, group_vars={'vrrp_nopreempt': True})
    plan = plan_from_inventory(['web'], hostvars, groups)
    assert plan['rollout']['backups'] == ['web1', 'web2', 'web3'] and plan['rollout']['masters'] == []


def test_a_host_master_in_one_group_is_a_master(inventory):
    # web2: BACKUP of web, MASTER of api; hosts in the order the plan first sees them
    hostvars, groups = inventory(n=3)
    groups['api'] = ['web2', 'web3']
    plan = plan_from_inventory(['web', {'name': 'api', 'vips': ['192.168.56.70'], 'vrid': 78}], hostvars, groups)
    assert plan['rollout']['masters'] == ['web1', 'web2'] and plan['rollout']['backups'] == ['web3']
