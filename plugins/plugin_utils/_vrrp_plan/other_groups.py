# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The groups a run does not deploy (plan_groups' others, the rest of the inventory). One
that shares a host with a deployed group is planned in full: its instances are written on
that host too, exactly as a run that deploys it writes them. The others are read for their
VRIDs only, so that a VRID of a planned group that clashes with one of theirs on one L2 is
an error, and derived VRIDs avoid theirs (vrids.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

from .values import (
    MODES,
    VAR_PREFIX,
    PlanError,
    as_str,
    as_vrid,
)
from .groups import (
    Group,
    read_group,
    read_interfaces,
    read_member,
    read_settings,
    vip_entries,
)
from .instances import (
    build_instances,
    instances_of_group,
)
from .load_balancing import (
    add_load_balancer,
)

# Settings that decide a group's VRIDs and its L2: all that is read of a group that the
# run does not deploy.
VRID_SETTINGS = ('vips', 'interface', 'vrid', 'mode', 'instance_name')


def plan_other_groups(others, deployed, precedence):
    """The groups in `others` (not deployed, in plan_groups' form) that are VRRP groups of
    their own, in precedence order, as ({name: Group} planned in full: those that share a
    host with a deployed group; [the instances of the rest, read for their VRIDs]).

    A group whose members do not agree on its VRID settings (VRID_SETTINGS), or whose
    settings do not make a VRRP group, is no VRRP group of its own (a parent or a tag
    group): skipped. Any other error of a group is not this run's either, unless the group
    shares a host with a deployed one. Groups with the same VRID settings and a member in
    common are one HA group under several names (a parent or child group that inherits
    the same group_vars): one of them stands for all, the deployed group if it is one of
    them, else the one with the most members (the first in precedence order on a tie).
    deployed: {name: Group} of the deployed groups.
    """
    classes, host_class, given_of = {}, {}, {}
    deployed_hosts = set(h for group in deployed.values() for h in group.member_names)
    class_ids = itertools.count()
    for group in deployed.values():
        cid = next(class_ids)
        classes[cid] = None  # a deployed group: the others joined to it are dropped
        key = _settings_key(group.settings)
        for host in group.member_names:
            host_class[(key, host)] = cid
    for given in sorted(others, key=lambda g: precedence[g['name']]):
        group = _read_other_group(given, deployed_hosts, deployed)
        if group is None:
            continue
        given_of[group.name] = given
        key = _settings_key(group.settings)
        hits = set(host_class[(key, h)] for h in group.member_names if (key, h) in host_class)
        if any(classes[c] is None for c in hits):
            continue
        # a counter, not len(classes): classes merged below are popped
        cid = next(class_ids)
        classes[cid] = [group]
        for c in hits:
            classes[cid].extend(classes.pop(c))
        for joined in classes[cid]:
            for host in joined.member_names:
                host_class[(key, host)] = cid
    kept = [max(joined, key=lambda g: (len(g.members), -precedence[g.name]))
            for joined in classes.values() if joined]
    planned, vrid_only = {}, []
    for group in sorted(kept, key=lambda g: precedence[g.name]):
        shared = [h for h in group.member_names if h in deployed_hosts]
        if shared:
            planned[group.name] = _plan_sharing_group(given_of[group.name], shared[0], deployed)
        else:
            vrid_only.extend(group.instances)
    return planned, vrid_only


def _plan_sharing_group(given, host, deployed):
    """The Group of a group that shares host with a deployed group, planned in full; an
    error in its settings names both groups (the run cannot write that host without it).
    vrrp_master of the members' variables (a switchover's -e) is not taken: it moves the
    deployed groups' VIPs only; an entry's master in vrrp_groups is."""
    given = dict(given, settings=dict({'master': None}, **(given.get('settings') or {})))
    try:
        group = read_group(given, deployed)
        group.instances = instances_of_group(group)
        add_load_balancer(group, given.get('backend_members'))
    except PlanError as exc:
        raise _sharing_error(exc, given['name'], host, deployed)
    return group


def _sharing_error(exc, name, host, deployed):
    """exc, an error of group name, which shares host with a deployed group: naming both."""
    sharing = next(other for other, g in deployed.items() if host in g.member_names)
    return PlanError(exc.host, exc.variable, '%s (group %s shares host %s with group %s, which '
                     'this run deploys: its instances are written on that host too)'
                     % (exc.message, name, host, sharing))


def _read_other_group(given, deployed_hosts, deployed):
    """The Group of a group that this run does not deploy, with just the instances that
    the VRID settling and check need (no version, priorities); None when it is no VRRP
    group of its own, or has an error and shares no host with a deployed group."""
    name = given['name']
    members_vars = list(given['members'])
    try:
        settings, sources = read_settings(name, members_vars, dict(given.get('settings') or {}),
                                          given.get('labels') or 'groups[%s]' % name, keys=VRID_SETTINGS)
    except PlanError:
        return None
    no_interface = settings['interface'] is None and all(
        hvars.get(VAR_PREFIX + 'interface') is None for _h, hvars in members_vars)
    if len(members_vars) < 2 or no_interface or settings['mode'] not in MODES:
        return None
    try:
        return _read_vrid_instances(name, members_vars, settings, sources)
    except PlanError as exc:
        shared = [h for h, _v in members_vars if h in deployed_hosts]
        if shared:
            raise _sharing_error(exc, name, shared[0], deployed)
        return None


def _read_vrid_instances(name, members_vars, settings, sources):
    members = [read_member(host, hvars, with_priority=False, group=name) for host, hvars in members_vars]
    read_interfaces(name, members, members_vars, settings, sources)
    if settings['vrid'] is not None:
        settings['vrid'] = as_vrid(settings['vrid'], *sources['vrid'])
    if settings['instance_name'] is not None:
        settings['instance_name'] = as_str(settings['instance_name'], *sources['instance_name'])
    group = Group(name, settings, sources, members)
    group.instances = build_instances(group, vip_entries(group))
    return group


def _settings_key(settings):
    """The VRID-relevant settings of a group as a hashable key (normalised values)."""
    return repr([(k, _plain(settings[k])) for k in VRID_SETTINGS])


def _plain(value):
    """value with str/int/list/dict subclasses (Ansible's) turned into the plain types."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)
