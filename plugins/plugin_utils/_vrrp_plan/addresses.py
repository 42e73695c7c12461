# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses across the inventory's HA groups: a VIP of a planned group that another group
claims too, as its VIP or as a member's address, would have two MASTERs fight over one
address (or take a host's own address away); the plan refuses it, naming both groups.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .values import (
    PlanError,
)


def check_addresses_across_groups(planned_instances, other_instances, planned):
    """planned_instances: the instances of the groups the run plans (planned: {name: Group});
    other_instances: those of the other HA groups, read for their VRIDs. A VIP of a planned
    group that is a VIP or a member address of another group is an error."""
    claims = {}  # address -> [(group, what)] in order, one per group and kind
    for inst in list(planned_instances) + list(other_instances):
        for vip in inst.vips:
            _claim(claims, vip.split('/', 1)[0], inst.group, 'a virtual IP')
        for host, address in sorted(inst.addresses.items()):
            _claim(claims, address, inst.group, 'the address of host %s' % host)
    for address, found in claims.items():
        vips = [(group, what) for group, what in found if what == 'a virtual IP' and group in planned]
        others = [(group, what) for group, what in found if group != (vips[0][0] if vips else None)]
        if vips and others:
            group, other = vips[0][0], others[0]
            host, var = planned[group].sources['vips']
            raise PlanError(host, var, 'virtual IP %s of group %s is also %s in group %s; every VIP '
                            'must be one group\'s alone' % (address, group, other[1], other[0]))


def _claim(claims, address, group, what):
    found = claims.setdefault(address, [])
    if (group, what) not in found:
        found.append((group, what))
