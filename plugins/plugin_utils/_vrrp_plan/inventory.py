# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory adapter of plan_from_inventory: Ansible's hostvars and groups turned into
the groups that plan_groups takes.

An HA group is an inventory group (not all or ungrouped) of two hosts or more that has an
entry in vrrp_groups (the per-group settings mapping) or whose members all have vrrp_vips.
A group to deploy that is no HA group itself (its members' settings differ, or carry none)
stands for the HA groups all of whose hosts it holds: a parent group of a fleet.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .values import (
    GROUP_SETTINGS,
    GROUPS_VAR,
    HOST_SETTINGS,
    VAR_PREFIX,
    PlanError,
)
from .groups import (
    HANDOVER,
    read_settings,
)

# Inventory groups that are never an HA group.
NOT_HA_GROUPS = ('all', 'ungrouped')

# What the plan reads of a host's variables.
_PLAN_VARS = ([VAR_PREFIX + k for k in GROUP_SETTINGS] + [VAR_PREFIX + k for k in HOST_SETTINGS]
              + [GROUPS_VAR, 'ansible_host'])


class Inventory:
    """Ansible's hostvars and groups (host names in the inventory's order of groups), as
    the plan reads them: each host's plan variables are read once."""

    __slots__ = ('hostvars', 'groups', 'drain', '_plan_vars')

    def __init__(self, hostvars, groups, drain=()):
        self.hostvars = hostvars
        self.groups = groups
        self.drain = set(drain)  # hosts planned as drained, whatever their vrrp_drain
        self._plan_vars = {}

    def groups_to_deploy(self, group_specs):
        """plan_from_inventory's group_specs (names, or dicts) as plan_groups takes its
        groups; a name that is no HA group gives the HA groups it holds."""
        out = []
        for index, spec in enumerate(group_specs):
            label = 'groups[%d]' % index
            if isinstance(spec, str):
                out.extend(self.group_to_deploy({'name': name}, label) for name in self._expand(spec, label))
            elif isinstance(spec, dict) and isinstance(spec.get('name'), str):
                out.append(self.group_to_deploy(spec, label))
            else:
                raise PlanError('localhost', label, 'expected a group name or a dict with a name, '
                                'got %r' % (spec,))
        return out

    def _expand(self, name, label):
        """[name] for an HA group, else the HA groups that it holds, in inventory order."""
        if name not in self.groups:
            raise PlanError('localhost', label, 'group %s is not in the inventory' % name)
        hosts = self.groups[name]
        if self._is_ha_group(name):
            entry = self._settings(name, hosts)[0]
            try:
                # the members agree on what the group's vrrp_groups entry does not set
                read_settings(name, [(h, self.plan_vars(h)) for h in hosts], entry, '')
                return [name]
            except PlanError:
                inner = [] if entry else self._inner_ha_groups(name)
                if not inner:
                    raise
                return inner
        return self._inner_ha_groups(name) or [name]

    def _inner_ha_groups(self, name):
        """The other HA groups all of whose hosts group name holds (a parent of one pair
        holds the same hosts as its child)."""
        hosts = set(self.groups[name])
        return [other for other, members in self.groups.items()
                if other != name and set(members) <= hosts and self._is_ha_group(other)]

    def group_to_deploy(self, spec, label):
        """One group as plan_groups takes it: members with their variables, settings (the
        spec's, else the group's vrrp_groups entry) with where each came from, and the
        members of its vrrp_backends group."""
        members = self._members(spec, label)
        settings, labels = self._settings(spec['name'], [h for h, _v in members])
        given = dict((k, v) for k, v in spec.items() if k not in ('name', 'members'))
        settings.update(given)
        labels.update((k, label) for k in given)
        return self._given(spec['name'], members, settings, labels)

    def _given(self, name, members, settings, labels):
        backends_var = VAR_PREFIX + 'backends'
        backends = settings.get('backends', next((v[backends_var] for _h, v in members
                                                  if v.get(backends_var) is not None), None))
        backend_members = None
        if isinstance(backends, str) and backends in self.groups:
            backend_members = [(h, self.plan_vars(h)) for h in self.groups[backends] if h in self.hostvars]
        return {'name': name, 'members': members, 'settings': settings, 'labels': labels,
                'label': 'groups[%s]' % name, 'backend_members': backend_members}

    def _members(self, spec, label):
        hosts = spec.get('members')
        if hosts is None:
            if spec['name'] not in self.groups:
                raise PlanError('localhost', label, 'group %s is not in the inventory' % spec['name'])
            hosts = self.groups[spec['name']]
        elif not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
            raise PlanError('localhost', label + '.members', 'expected a list of host names, '
                            'got %r' % (hosts,))
        members = []
        for host in hosts:
            if host not in self.hostvars:
                raise PlanError(host, label + '.members', 'host %s is not in the inventory' % host)
            members.append((host, self.plan_vars(host)))
        return members

    def _settings(self, name, hosts):
        """The group's entry in vrrp_groups, as overrides {key: value} and their labels
        {key: 'vrrp_groups.NAME'}; ({}, {}) without one. The entry must be the same on
        every member that has the mapping (set it in group_vars/all)."""
        entry, seen = None, None
        for host in hosts:
            mapping = self.plan_vars(host).get(GROUPS_VAR)
            if mapping is None:
                continue
            if not isinstance(mapping, dict):
                raise PlanError(host, GROUPS_VAR, 'expected a mapping of group names to their '
                                'settings, got %r' % (mapping,))
            value = mapping.get(name)
            if seen is None:
                entry, seen = value, host
            elif value != entry:
                raise PlanError(host, '%s.%s' % (GROUPS_VAR, name), '%r differs from %r on %s; set '
                                '%s in group_vars/all, the same for every host' % (value, entry, seen, GROUPS_VAR))
        if entry is not None and not isinstance(entry, dict):
            raise PlanError(seen, '%s.%s' % (GROUPS_VAR, name), 'expected the settings of group %s '
                            '(a mapping), got %r' % (name, entry))
        entry = dict(entry or {})
        return entry, dict((key, '%s.%s' % (GROUPS_VAR, name)) for key in entry)

    def _is_ha_group(self, name):
        hosts = self.groups.get(name, [])
        if name in NOT_HA_GROUPS or len(hosts) < 2 or not all(h in self.hostvars for h in hosts):
            return False
        vips_var = VAR_PREFIX + 'vips'
        return all(self.plan_vars(h).get(vips_var) is not None
                   or name in (self.plan_vars(h).get(GROUPS_VAR) or {}) for h in hosts)

    def plan_vars(self, host):
        """The variables of host that the plan reads (vrrp_*, ansible_host)."""
        if host not in self._plan_vars:
            hv = self.hostvars[host]
            self._plan_vars[host] = dict((k, hv[k]) for k in _PLAN_VARS if k in hv)
            if host in self.drain:
                self._plan_vars[host][HANDOVER] = True
        return self._plan_vars[host]

    def other_ha_groups(self, deployed):
        """Every other HA group of the inventory, in plan_groups' form: the groups that
        share a host with a deployed one are planned too (their instances are written on
        that host), the others are read for their VRIDs. A group whose settings cannot be
        read is left to plan_groups, which skips it unless it shares a host. deployed: the
        names of the groups the run deploys."""
        others = []
        for name, hosts in self.groups.items():
            if name in deployed or not self._is_ha_group(name):
                continue
            members = [(host, self.plan_vars(host)) for host in hosts]
            try:
                settings, labels = self._settings(name, hosts)
            except PlanError:
                settings, labels = {}, {}
            others.append(self._given(name, members, settings, labels))
        return others
