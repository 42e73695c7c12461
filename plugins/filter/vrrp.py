# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the VRRP plan, for templates; the plan itself is computed in
plugin_utils/vrrp_plan.py, as for the vrrp_plan module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PlanError,
    plan_from_inventory,
    vip_to_cidr,
)


def _plan_error(func):
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (PlanError, ImportError) as exc:
            raise AnsibleFilterError('%s: %s' % (func.__name__, exc))
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_plan_error
def vrrp_cidr(address):
    """An address in CIDR form: '198.18.77.69' -> '198.18.77.69/32'."""
    return vip_to_cidr(address, variable='vrrp_cidr input')


@_plan_error
def vrrp_plan(group_specs, hostvars, groups, inventory_wide=True):
    """The plan of the vrrp_plan module, for groups of the inventory: like the module,
    it reads the VRIDs of the inventory's other VRRP groups (inventory_wide=False: only
    the groups given)."""
    if isinstance(group_specs, (str, dict)):
        group_specs = [group_specs]
    return plan_from_inventory(group_specs, hostvars, groups, inventory_wide=inventory_wide)


def vrrp_peers(plan, host, instance=None):
    """The unicast peers of one host in a plan: of one instance, or of all of them."""
    if host not in plan.get('hosts', {}):
        raise AnsibleFilterError('vrrp_peers: host %s is not in the plan' % host)
    peers = []
    for inst in plan['hosts'][host]:
        if instance is None or inst['name'] == instance:
            peers.extend(p for p in inst['unicast_peers'] if p not in peers)
    return peers


class FilterModule(object):
    def filters(self):
        return {
            'vrrp_cidr': vrrp_cidr,
            'vrrp_plan': vrrp_plan,
            'vrrp_peers': vrrp_peers,
        }
