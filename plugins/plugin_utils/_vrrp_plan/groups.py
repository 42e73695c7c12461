# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A group as the plan reads it: its settings (one value for every member) and where each
came from, its members and their addresses, its VIP entries; the checks of each.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ..keepalived_syntax import (
    INTERFACE_MAX_BYTES,
    token_problem,
)
from .values import (
    GROUP_SETTINGS,
    MODES,
    PROFILES,
    VAR_PREFIX,
    PlanError,
    as_bool,
    as_int,
    as_list,
    as_number,
    as_str,
    as_vrid,
    parse_ip,
)


class Group:
    """A VRRP group: its settings (GROUP_SETTINGS key -> value), their sources (key ->
    (host, variable) that an error about it names), its members in inventory order (those
    that stay), the members that leave it (vrrp_leave); its instances and load_balancer
    once they are planned."""

    __slots__ = ('name', 'settings', 'sources', 'members', 'leaving', 'roster', 'instances', 'load_balancer')

    def __init__(self, name, settings, sources, members, roster=None):
        self.name = name
        self.settings = settings
        self.sources = sources
        self.members = members
        # every member, leaving or not, in inventory order
        self.roster = list(roster or members)
        self.leaving = [m for m in self.roster if m.leave]
        self.instances = []
        self.load_balancer = None

    @property
    def member_names(self):
        return [m.name for m in self.members]


class Member:
    __slots__ = ('name', 'addresses', 'address_vars', 'priority', 'priority_var', 'interface',
                 'drain', 'leave', 'handover')

    def __init__(self, name, addresses, priority, priority_var, address_vars, drain=False, leave=False,
                 handover=False):
        self.name = name
        self.addresses = addresses  # family -> Address
        self.address_vars = address_vars  # family -> the variable it came from
        self.priority = priority
        self.priority_var = priority_var
        self.interface = None  # its interface in the group (read_interfaces)
        self.drain = drain or handover  # vrrp_drain: never the MASTER
        self.leave = leave  # vrrp_leave: taken out of its groups
        # handing its VIPs over with a file of its own only (a farewell, a what-if plan):
        # a priority below every other member's, now and planned, not only the lowest one
        self.handover = handover


# Set by the inventory adapter (not a variable of the inventory) on the hosts of a what-if
# plan's drain: they hand their VIPs over.
HANDOVER = '__failover_handover'

# Settings a member may have of its own (host_vars), the group's value its default.
PER_HOST = ('interface',)


def read_group(given, deployed):
    """The Group of one of plan_groups' groups (a dict, as given), settings and members
    checked. deployed: the names of the groups read before (a name twice is an error)."""
    name = given['name']
    members_vars = list(given['members'])
    label = given.get('labels') or given.get('label', 'groups[%s]' % name)
    overrides = dict(given.get('settings') or {})
    unknown = set(overrides) - set(GROUP_SETTINGS)
    if unknown:
        where = label[sorted(unknown)[0]] if isinstance(label, dict) else label
        raise PlanError(_group_host(name, members_vars), where,
                        'unknown settings %s (known: %s)' % (', '.join(sorted(unknown)),
                                                             ', '.join(sorted(GROUP_SETTINGS))))
    if name in deployed:
        raise PlanError(_group_host(name, members_vars), 'groups', 'group %s is listed twice' % name)
    settings, sources = read_settings(name, members_vars, overrides, label)
    members = [read_member(host, hvars, group=name) for host, hvars in members_vars]
    read_interfaces(name, members, members_vars, settings, sources)
    _check_distinct_addresses(name, members)
    staying = [m for m in members if not m.leave]
    _check_settings(settings, sources, name, staying, [m.name for m in members if m.leave])
    return Group(name, settings, sources, staying, members)


def _group_host(name, members_vars):
    """The host that an error about a setting or the group's list names: its first member."""
    return members_vars[0][0] if members_vars else name


def read_settings(name, members_vars, overrides, override_label, keys=None):
    """Group-level settings and their sources: explicit overrides, else the members' vrrp_*
    vars, which must then be the same on every member (they normally come from
    group_vars). override_label: how an error names an override (KEY is appended), or
    {key: label} for overrides of several origins. keys: only these settings (default:
    every one of GROUP_SETTINGS)."""
    settings, sources = {}, {}
    group_host = _group_host(name, members_vars)
    for key, default in GROUP_SETTINGS.items():
        if keys is not None and key not in keys:
            continue
        if key in overrides:
            settings[key] = overrides[key]
            label = override_label.get(key) if isinstance(override_label, dict) else override_label
            sources[key] = (group_host, '%s.%s' % (label, key))
            continue
        var = VAR_PREFIX + key
        if key in PER_HOST:
            # read per member (read_interfaces); the group has no value of its own
            settings[key], sources[key] = default, (group_host, var)
            continue
        seen = None
        for host, hvars in members_vars:
            value = hvars.get(var)
            if seen is None:
                seen = (host, value)
            elif value != seen[1]:
                raise PlanError(host, var, '%r differs from %r on %s; group-level VRRP '
                                           'settings of group %s must be equal on every '
                                           'member (set them in group_vars)'
                                % (value, seen[1], seen[0], name))
        value = seen[1] if seen else None
        settings[key] = default if value is None else value
        sources[key] = (group_host, var)
    return settings, sources


def read_member(host, hvars, with_priority=True, group=None):
    """A member: its addresses (vrrp_address, else ansible_host when it is an address) and
    fixed priority. vrrp_address may map group names to addresses, for a host in groups
    on several interfaces: the entry of `group` is the member's address in it."""
    addr_var = VAR_PREFIX + 'address'
    raw = hvars.get(addr_var)
    if isinstance(raw, dict):
        if group not in raw:
            raise PlanError(host, addr_var, 'no address for group %s (vrrp_address maps %s)'
                            % (group, ', '.join(sorted(str(k) for k in raw)) or 'no group'))
        raw, addr_var = raw[group], '%s.%s' % (addr_var, group)
    if raw is None:
        raw, addr_var = hvars.get('ansible_host'), 'ansible_host'
        if raw is not None:
            try:
                parse_ip(raw, host, addr_var)
            except PlanError:
                raw = None
        if raw is None:
            raise PlanError(host, VAR_PREFIX + 'address', 'no address on the VRRP '
                            'interface: set vrrp_address (or an IP address as ansible_host)')
    addresses, address_vars = {}, {}
    for i, text in enumerate(as_list(raw, host, addr_var)):
        variable = addr_var if not isinstance(raw, (list, tuple)) else '%s[%d]' % (addr_var, i)
        addr = parse_ip(text, host, variable)
        if addr.family in addresses:
            raise PlanError(host, variable, 'two %s addresses (%s and %s); give one '
                            'address per family' % (addr.family, addresses[addr.family].ip, addr.ip))
        addresses[addr.family] = addr
        address_vars[addr.family] = variable
    prio_var = VAR_PREFIX + 'priority'
    prio = hvars.get(prio_var) if with_priority else None
    if prio is not None:
        prio = as_int(prio, host, prio_var)
    drain, leave = (as_bool(hvars.get(VAR_PREFIX + key, False), host, VAR_PREFIX + key) for key in ('drain', 'leave'))
    return Member(host, addresses, prio, prio_var, address_vars, drain=drain, leave=leave,
                  handover=bool(hvars.get(HANDOVER)))


def read_interfaces(group, members, members_vars, settings, sources):
    """Each member's interface in the group: the group's (an override, or its entry in
    vrrp_groups), unless the host's vrrp_interface maps the group to one of its own; else
    the host's vrrp_interface. Hosts with other NIC names can form a pair."""
    var = VAR_PREFIX + 'interface'
    for member, (host, hvars) in zip(members, members_vars):
        raw, source = hvars.get(var), var
        if isinstance(raw, dict):
            raw, source = raw.get(group), '%s.%s' % (var, group)
        if (raw is None or not isinstance(hvars.get(var), dict)) and settings['interface'] is not None:
            raw, source = settings['interface'], sources['interface'][1]
        if raw is None:
            raise PlanError(host, source, 'not set: the interface that carries VRRP and the VIPs '
                            'of group %s (for example eth1)' % group)
        member.interface = as_str(raw, host, source)
        problem = token_problem(member.interface, INTERFACE_MAX_BYTES)
        if problem:
            raise PlanError(host, source, 'interface name %r %s' % (member.interface, problem))


def check_names(group, entries):
    """The names that the group writes into keepalived.conf, as keepalived reads them:
    its instances' (vrrp_instance_name, else vi_GROUP; a VIP entry's name) and its sync
    groups' (vg_GROUP)."""
    host, var = group.sources['instance_name']
    name = group.settings['instance_name']
    problem = token_problem(name) if name is not None else None
    if problem:
        raise PlanError(host, var, 'instance name %r %s' % (name, problem))
    named_after_group = name is None or group.settings['sync_group']
    problem = token_problem(group.name) if named_after_group else None
    if problem:
        raise PlanError(host, var, 'the group name %r, which names its instance (vi_%s) and sync '
                        'group (vg_%s), %s; set vrrp_instance_name, or rename the group'
                        % (group.name, group.name, group.name, problem))
    for entry in entries:
        problem = token_problem(entry.name) if entry.name is not None else None
        if problem:
            raise PlanError(group.sources['vips'][0], entry.variable + '.name',
                            'instance name %r %s' % (entry.name, problem))


def _check_settings(settings, sources, group, members, leaving=()):
    """Check the settings of a deployed group and turn them into their types, in place.
    members: those that stay; leaving: the names of those that leave (vrrp_leave)."""
    if len(members) < 2:
        host = members[0].name if members else 'localhost'
        if leaving:
            raise PlanError(leaving[0], VAR_PREFIX + 'leave', 'group %s would keep %d member(s) when %s '
                            'leave(s); VRRP needs at least two hosts: take the whole group out '
                            '(playbooks/uninstall.yml) instead' % (group, len(members), ', '.join(leaving)))
        raise PlanError(host, 'groups[%s]' % group, 'group %s has %d member(s); VRRP needs '
                        'at least two hosts' % (group, len(members)))
    if all(m.drain for m in members):
        raise PlanError(members[0].name, VAR_PREFIX + 'drain', 'every member of group %s is drained: '
                        'one must be able to hold the VIP' % group)
    host, var = sources['mode']
    if settings['mode'] not in MODES:
        raise PlanError(host, var, '%r is not a mode (use %s)' % (settings['mode'], ' or '.join(MODES)))
    for key in ('priority_base', 'priority_step'):
        settings[key] = as_int(settings[key], *sources[key])
    host, var = sources['priority_step']
    if settings['priority_step'] < 1:
        raise PlanError(host, var, 'must be 1 or more, got %d' % settings['priority_step'])
    for key in ('unicast', 'nopreempt', 'sync_group'):
        settings[key] = as_bool(settings[key], *sources[key])
    if settings['vrid'] is not None:
        settings['vrid'] = as_vrid(settings['vrid'], *sources['vrid'])
    host, var = sources['profile']
    settings['profile'] = as_str(settings['profile'], host, var)
    if settings['profile'] not in PROFILES:
        raise PlanError(host, var, '%r is not a timer profile (use %s)'
                        % (settings['profile'], ' or '.join(sorted(PROFILES))))
    profile = PROFILES[settings['profile']]
    for key in ('version', 'advert_int'):
        if settings[key] is None and profile[key] is not None:
            # an error in the profile's value names vrrp_profile
            settings[key], sources[key] = profile[key], (host, var)
    settings['health_check'] = dict(profile['health_check'])
    if settings['version'] is not None:
        host, var = sources['version']
        settings['version'] = as_int(settings['version'], host, var)
        if settings['version'] not in (2, 3):
            raise PlanError(host, var, 'VRRP version must be 2 or 3, got %d' % settings['version'])
    host, var = sources['advert_int']
    settings['advert_int'] = as_number(settings['advert_int'], host, var)
    if settings['advert_int'] <= 0:
        raise PlanError(host, var, 'must be greater than 0, got %s' % settings['advert_int'])
    if settings['instance_name'] is not None:
        settings['instance_name'] = as_str(settings['instance_name'], *sources['instance_name'])


def _check_distinct_addresses(group, members):
    """Two members with one address would each list that address as a unicast peer of
    itself (and VRRP cannot tell them apart)."""
    seen = {}
    for member in members:
        for family, addr in member.addresses.items():
            other = seen.setdefault((family, addr.ip), member)
            if other is not member:
                raise PlanError(member.name, member.address_vars[family], 'address %s is also the '
                                'address of host %s (%s); every member of group %s needs its own '
                                'address' % (addr.ip, other.name, other.address_vars[family], group))


# One item of vrrp_vips: a name and a vrid (None unless the item is a dict that gives them),
# the variable it came from, and its addresses (Address).
VipEntry = namedtuple('VipEntry', 'name vrid variable addresses')


def vip_entries(group):
    """The group's vrrp_vips as VipEntry items, each address once in the whole list."""
    host, var = group.sources['vips']
    raw = group.settings['vips']
    if raw is None:
        raise PlanError(host, var, 'not set: group %s needs at least one virtual IP' % group.name)
    items = as_list(raw, host, var)
    if not items:
        raise PlanError(host, var, 'empty: group %s needs at least one virtual IP' % group.name)
    entries, seen = [], {}
    for i, item in enumerate(items):
        entry = _vip_entry(item, host, '%s[%d]' % (var, i))
        for addr in entry.addresses:
            if addr.ip in seen:
                raise PlanError(host, entry.variable, 'virtual IP %s is listed twice (also in %s)'
                                % (addr.ip, seen[addr.ip]))
            seen[addr.ip] = entry.variable
        entries.append(entry)
    return entries


def _vip_entry(item, host, item_var):
    if not isinstance(item, dict):
        return VipEntry(None, None, item_var, [parse_ip(item, host, item_var)])
    unknown = set(item) - set(('name', 'vrid', 'addresses'))
    if unknown:
        raise PlanError(host, item_var, 'unknown keys %s (known: name, vrid, '
                        'addresses)' % ', '.join(sorted(unknown)))
    texts = as_list(item.get('addresses'), host, item_var + '.addresses')
    if not texts:
        raise PlanError(host, item_var + '.addresses', 'empty')
    addresses = [parse_ip(t, host, '%s.addresses[%d]' % (item_var, j)) for j, t in enumerate(texts)]
    vrid = item.get('vrid')
    if vrid is not None:
        vrid = as_vrid(vrid, host, item_var + '.vrid')
    return VipEntry(item.get('name'), vrid, item_var, addresses)


def check_vips(group, entries):
    """Check every VIP against the members: family, subnet, not a member's own address,
    not the network or broadcast address of a subnet."""
    host_of_vips = group.sources['vips'][0]
    for entry in entries:
        for addr in entry.addresses:
            if addr.prefix_known:
                reserved = reserved_address(addr.ip, addr.net)
                if reserved:
                    raise PlanError(host_of_vips, entry.variable, 'virtual IP %s is the %s of its '
                                    'subnet %s, not a host address' % (addr.ip, reserved, addr.net.cidr))
            for member in group.members:
                _check_vip_of_member(addr, entry.variable, member)


def _check_vip_of_member(addr, variable, member):
    own = member.addresses.get(addr.family)
    if own is None:
        raise PlanError(member.name, VAR_PREFIX + 'address', 'has no %s address, '
                        'but %s %s is %s' % (addr.family, variable, addr.ip, addr.family))
    if own.ip == addr.ip:
        raise PlanError(member.name, variable, 'virtual IP %s is the address of '
                        'host %s itself' % (addr.ip, member.name))
    if addr.prefix_known and not addr.contains(own):
        raise PlanError(member.name, variable, 'virtual IP %s is outside the '
                        'subnet of host %s (%s)' % (addr.cidr, member.name, own.ip))
    if own.prefix_known:
        if addr.ip not in own.net.cidr:
            raise PlanError(member.name, variable, 'virtual IP %s is outside the '
                            'subnet of host %s (%s)' % (addr.ip, member.name, own.cidr))
        reserved = reserved_address(addr.ip, own.net)
        if reserved:
            raise PlanError(member.name, variable, 'virtual IP %s is the %s of the '
                            'subnet %s of host %s (%s), not a host address'
                            % (addr.ip, reserved, own.net.cidr, member.name, own.cidr))


def reserved_address(ip, net):
    """What ip is in net when it is not a host address: the IPv4 network or broadcast
    address (none in a /31 or /32), the IPv6 subnet-router anycast address (RFC 4291
    2.6.1, the network address; none in a /127 or /128); else None."""
    if ip.version == 4:
        if net.prefixlen > 30:
            return None
        value = int(ip)
        if value == net.first:
            return 'network address'
        if value == net.last:
            return 'broadcast address'
        return None
    if net.prefixlen > 126 or int(ip) != net.first:
        return None
    return 'subnet-router anycast address'
