# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory adapter of plan_from_inventory: Ansible's hostvars and groups turned into
the groups that plan_groups takes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan.values import (
    GROUP_SETTINGS,
    HOST_SETTINGS,
    VAR_PREFIX,
    PlanError,
)

# Inventory groups that are never an HA group.
NOT_HA_GROUPS = ('all', 'ungrouped')

# What the plan reads of a host's variables.
_PLAN_VARS = [VAR_PREFIX + k for k in GROUP_SETTINGS] + [VAR_PREFIX + k for k in HOST_SETTINGS] + ['ansible_host']


class Inventory:
    """Ansible's hostvars and groups (host names in the inventory's order of groups), as
    the plan reads them: each host's plan variables are read once."""

    __slots__ = ('hostvars', 'groups', '_plan_vars')

    def __init__(self, hostvars, groups):
        self.hostvars = hostvars
        self.groups = groups
        self._plan_vars = {}

    def group_to_deploy(self, spec, index):
        """One of plan_from_inventory's group_specs (a name, or a dict) as plan_groups
        takes a group: members with their variables, settings, label and the members of
        its vrrp_backends group."""
        label = 'groups[%d]' % index
        if isinstance(spec, str):
            spec = {'name': spec}
        if not isinstance(spec, dict) or not isinstance(spec.get('name'), str):
            raise PlanError('localhost', label, 'expected a group name or a dict with a name, '
                            'got %r' % (spec,))
        settings = dict((k, v) for k, v in spec.items() if k not in ('name', 'members'))
        members = self._members(spec, label)
        backends_var = VAR_PREFIX + 'backends'
        backends = settings.get('backends', next((v[backends_var] for _h, v in members
                                                  if v.get(backends_var) is not None), None))
        backend_members = None
        if isinstance(backends, str) and backends in self.groups:
            backend_members = [(h, self.plan_vars(h)) for h in self.groups[backends] if h in self.hostvars]
        return {'name': spec['name'], 'members': members, 'settings': settings,
                'label': label, 'backend_members': backend_members}

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

    def plan_vars(self, host):
        """The variables of host that the plan reads (vrrp_*, ansible_host)."""
        if host not in self._plan_vars:
            hv = self.hostvars[host]
            self._plan_vars[host] = dict((k, hv[k]) for k in _PLAN_VARS if k in hv)
        return self._plan_vars[host]

    def other_vrrp_groups(self, deployed):
        """Every other group that carries VRRP settings (all its members have vrrp_vips;
        not all/ungrouped, at least two hosts), in plan_groups' form. deployed: the names
        of the groups the run deploys."""
        vips_var = VAR_PREFIX + 'vips'
        others = []
        for name, hosts in self.groups.items():
            if name in NOT_HA_GROUPS or name in deployed or len(hosts) < 2:
                continue
            if not all(host in self.hostvars and self.plan_vars(host).get(vips_var) is not None for host in hosts):
                continue
            others.append({'name': name, 'members': [(host, self.plan_vars(host)) for host in hosts]})
        return others
