# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VRRP plan: who is MASTER, with which priority, peers and VRID, in each group.

Plain Python over netaddr, no Ansible imports: the action plugin ``vrrp_plan`` and the
filters both call :func:`plan_from_inventory` (or :func:`plan_groups` with explicit
data), so the plan is computed in exactly one place. It runs on the controller only,
so it lives in plugin_utils (module_utils is for code that is shipped to the hosts).

Every error is a :class:`PlanError` that names the host and the variable, and is raised
before anything is returned, so a caller that stops on it has changed no host.

VRIDs are checked, and derived, across the whole inventory when the caller asks for it
(``inventory_wide``, as the action plugin does): the inventory's other VRRP groups are
read for their VRIDs only (see :func:`plan_groups`, _vrrp_plan/vrids.py and
docs/topologies.md, "VRIDs across the inventory").

This module is the plan's public face: import from here. The work is done in the
package _vrrp_plan, private to the collection (it may change at any time), one module a
job, each importing only the ones listed before it: values (settings, limits, PlanError,
parsing), groups (a group's settings, members and VIPs), vrids (VRID claims, L2s,
settling and checks), instances (VRRP instances, priorities), other_groups (the groups a
run does not deploy), addresses (VIPs across groups), load_balancing (vrrp_backends),
views (the plan's output) and inventory (Ansible's hostvars and groups).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._vrrp_plan.values import (
    GROUP_SETTINGS,
    GROUPS_VAR,
    HOST_SETTINGS,
    PROFILES,
    VAR_PREFIX,
    VRID_MAX,
    VRID_MIN,
    PlanError,
    parse_ip,
    require_netaddr,
    vip_to_cidr,
)
from ._vrrp_plan.groups import (
    read_group,
)
from ._vrrp_plan.vrids import (
    assign_vrids,
    check_vrid_conflicts,
    derived_vrid,
    group_precedence,
)
from ._vrrp_plan.instances import (
    instances_of_group,
)
from ._vrrp_plan.other_groups import (
    plan_other_groups,
)
from ._vrrp_plan.addresses import (
    check_addresses_across_groups,
)
from ._vrrp_plan.load_balancing import (
    add_load_balancer,
)
from ._vrrp_plan.views import (
    add_sync_groups,
    group_summaries,
    host_views,
    leaving_views,
    master_down_interval,
    rollout,
)
from ._vrrp_plan.inventory import (
    Inventory,
)

# What callers import from here (the action plugin, the filters, tests, bench, docs).
__all__ = [
    'GROUP_SETTINGS', 'GROUPS_VAR', 'HOST_SETTINGS', 'PROFILES', 'VAR_PREFIX', 'VRID_MAX', 'VRID_MIN',
    'PlanError', 'derived_vrid', 'master_down_interval', 'parse_ip', 'plan_from_inventory',
    'plan_groups', 'require_netaddr', 'vip_to_cidr',
]


def plan_from_inventory(group_specs, hostvars, inventory_groups, inventory_wide=False, drain=()):
    """Plan groups of an Ansible inventory.

    group_specs: list of group names, or dicts {'name': ..., other GROUP_SETTINGS keys}
      whose keys override the group's entry in ``vrrp_groups`` and the members' ``vrrp_*``
      variables (a dict may also give 'members', a list of host names, instead of the
      inventory group's). A name that is no HA group stands for the HA groups whose hosts
      it holds (a parent group: _vrrp_plan/inventory.py).
    hostvars: mapping host -> mapping of that host's variables (Ansible's hostvars).
    inventory_groups: mapping group -> list of host names (Ansible's ``groups``), in
      the inventory's order of groups: the precedence of derived VRIDs.
    inventory_wide: also read every other HA group of the inventory as a group this run
      does not deploy (plan_groups' others): one that shares a host with a deployed group
      is planned in full (its instances are written on that host too), the VRIDs of all
      are checked against the planned groups' and reserved for the derivation, so that a
      derived VRID is the same whichever group a run deploys. The action plugin vrrp_plan
      plans this way.
    drain: hosts planned as if they had vrrp_drain (a what-if plan: playbooks/upgrade.yml
      moves a MASTER's VIPs away with it).
    """
    inventory = Inventory(hostvars, inventory_groups, drain)
    groups = inventory.groups_to_deploy(group_specs)
    others = inventory.other_ha_groups(set(g['name'] for g in groups)) if inventory_wide else []
    return plan_groups(groups, others, list(inventory_groups))


def plan_groups(groups, others=None, order=None):
    """Plan explicit groups.

    groups: list of dicts, in order:
      name: group name
      members: list of (host name, vars mapping) in inventory order; vars holds the
        host's ``vrrp_*`` variables and optionally ``ansible_host``
      settings: dict of GROUP_SETTINGS keys that override the members' variables
      label: how to name an override in an error (default 'groups[<name>]')
      backend_members: with a ``backends`` setting, the members of that group, of the same
        form as members (None: the group is not in the inventory)
    others: groups of the same form that this run does not deploy (the rest of the
      inventory). One that shares a host with a deployed group is planned in full, and a
      bad setting of it is an error naming both groups; the others are only read for
      their VRIDs: a VRID of a planned group that clashes with one of theirs on one L2 is
      an error, and derived VRIDs avoid theirs (see assign_vrids). A group of those whose
      VRID settings do not plan is skipped, so a bad setting elsewhere in the inventory
      fails no deploy (other_groups.py).
    order: group names in precedence order for derived VRIDs (the inventory's order of
      groups); groups not in it come after, in the order given. Default: as given.

    Returns {'groups': {name: {...}}, 'hosts': {host: [instance view, ...]},
    'vrid_moves': [{group, instance, vrid, derived, taken_by}], 'rollout': {backups,
    masters, master_rounds, balancers, backends, leaving}, 'leaving': {host: [farewell
    view, ...]}}: groups holds the planned groups (deployed or not); hosts the members of
    the deployed groups, with the instances of every group they are in; leaving the
    members that leave (vrrp_leave), with the views that hand their VIPs over; vrid_moves lists the planned instances whose derived VRID is not their
    first candidate derived_vrid() because the group taken_by holds that one on their L2;
    rollout names the hosts of each step of a rolling deploy (views.rollout).
    """
    require_netaddr()
    others = list(others or ())
    precedence = group_precedence(groups, others, order)
    deployed = {}  # name -> Group, in order
    for given in groups:
        group = read_group(given, deployed)
        group.instances = instances_of_group(group)
        add_load_balancer(group, given.get('backend_members'))
        deployed[group.name] = group
    # the groups that share a host with a deployed one are planned too; the VRID settling
    # and check read the instances of every other group
    sharing, vrid_only = plan_other_groups(others, deployed, precedence) if others else ({}, [])
    planned = dict(deployed, **sharing)
    instances = [inst for group in planned.values() for inst in group.instances]
    vrid_instances = instances + vrid_only
    check_addresses_across_groups(instances, vrid_only, planned)
    moves = assign_vrids(sorted(vrid_instances, key=lambda inst: precedence[inst.group]), planned)
    # looked up in this module by name: the benchmark (bench/scale.py) times it by replacing it
    check_vrid_conflicts(vrid_instances, planned, len(instances))
    views = host_views(planned.values())
    sync_groups = add_sync_groups(planned.values(), views)
    # the hosts of this run: the members of the deployed groups, with every instance of theirs
    hosts = dict((host, views[host]) for group in deployed.values() for host in group.member_names)
    in_run = set(m.name for group in deployed.values() for m in group.leaving)
    leaving = dict((host, found) for host, found in leaving_views(planned.values()).items() if host in in_run)
    out = {'groups': group_summaries(planned.values(), sync_groups, deployed), 'hosts': hosts,
           'vrid_moves': moves, 'rollout': rollout(hosts, planned), 'leaving': leaving}
    out['rollout']['leaving'] = list(leaving)
    return out
