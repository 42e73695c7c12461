# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The groups a run does not deploy (plan_groups' others, the rest of the inventory): read
for their VRIDs only, so that a VRID of a deployed group that clashes with one of theirs
on one L2 is an error, and derived VRIDs avoid theirs (vrids.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.values import (
    MODES,
    PlanError,
    as_str,
    as_vrid,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.groups import (
    Group,
    read_member,
    read_settings,
    vip_entries,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.instances import (
    build_instances,
)

# Settings that decide a group's VRIDs and its L2: all that is read of a group that the
# run does not deploy.
VRID_SETTINGS = ('vips', 'interface', 'vrid', 'mode', 'instance_name')


def instances_of_other_groups(others, deployed, precedence):
    """The instances of the groups in `others` (not deployed, in plan_groups' form) that
    are VRRP groups of their own, in precedence order.

    A group whose VRID settings (VRID_SETTINGS) do not plan is no VRRP group: skipped,
    it is not this run's error. Groups with the same VRID settings and a member in
    common are one HA group under several names (a parent or child group that inherits
    the same group_vars): one of them stands for all, the deployed group if it is one of
    them, else the one with the most members (the first in precedence order on a tie).
    deployed: {name: Group} of the deployed groups.
    """
    classes, host_class = {}, {}
    for group in deployed.values():
        cid = len(classes)
        classes[cid] = None  # a deployed group: the others joined to it are dropped
        key = _settings_key(group.settings)
        for host in group.member_names:
            host_class[(key, host)] = cid
    for given in sorted(others, key=lambda g: precedence[g['name']]):
        try:
            group = _read_other_group(given)
        except PlanError:
            continue
        key = _settings_key(group.settings)
        hits = set(host_class[(key, h)] for h in group.member_names if (key, h) in host_class)
        if any(classes[c] is None for c in hits):
            continue
        cid = len(classes)
        classes[cid] = [group]
        for c in hits:
            classes[cid].extend(classes.pop(c))
        for joined in classes[cid]:
            for host in joined.member_names:
                host_class[(key, host)] = cid
    kept = [max(joined, key=lambda g: (len(g.members), -precedence[g.name]))
            for joined in classes.values() if joined]
    return [inst for group in sorted(kept, key=lambda g: precedence[g.name]) for inst in group.instances]


def _read_other_group(given):
    """The Group of a group that this run does not deploy, with just the instances that
    the VRID settling and check need (no version, priorities); PlanError when its
    settings do not make a VRRP group."""
    name = given['name']
    members_vars = list(given['members'])
    settings, sources = read_settings(name, members_vars, dict(given.get('settings') or {}),
                                      'groups[%s]' % name, keys=VRID_SETTINGS)
    members = [read_member(host, hvars, with_priority=False) for host, hvars in members_vars]
    if len(members) < 2 or settings['interface'] is None or settings['mode'] not in MODES:
        raise PlanError(name, 'groups[%s]' % name, 'not a VRRP group')
    settings['interface'] = as_str(settings['interface'], *sources['interface'])
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
