# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A group's VRRP instances (keepalived's vrrp_instance): one per VridClaim and address
family; for a deployed group with its VRRP version and every member's priority.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .values import (
    PRIORITY_MAX,
    PRIORITY_MIN,
    V2_ADVERT_MAX,
    V3_ADVERT_MAX,
    PlanError,
)
from .groups import (
    check_names,
    check_vips,
    vip_entries,
)
from .vrids import (
    l2_keys,
    vrid_claims,
)


class Instance:
    """One VRRP instance: one address family of a group's VridClaim.

    Every instance has what the VRID settling and check read: its name, group (name),
    claim_name (its twins of the other family share it), family, vrid, vrid_source,
    candidate (see VridClaim), vips (CIDR), members (names), addresses (member -> address
    of the family), interfaces (member -> its interface) and l2 (vrids.l2_keys). An instance of a deployed group also
    has its version, priorities (member -> priority), sync_slot (its VIP entry's rotation
    slot, 1..N, in spread mode) and load_balancer (the plan's dict, or None); they stay
    None for a group this run does not deploy.
    """

    __slots__ = ('name', 'group', 'family', 'vips', 'members', 'addresses', 'interfaces',
                 'claim_name', 'vrid', 'vrid_source', 'candidate', 'l2',
                 'version', 'priorities', 'sync_slot', 'load_balancer')

    def __init__(self, name, group, family, vips, members, addresses, interfaces,
                 claim_name=None, vrid=None, vrid_source=None, candidate=None, l2=None):
        self.name = name
        self.group = group
        self.family = family
        self.vips = vips
        self.members = members
        self.addresses = addresses
        self.interfaces = interfaces
        self.claim_name = claim_name
        self.vrid = vrid
        self.vrid_source = vrid_source
        self.candidate = candidate
        self.l2 = l2
        self.version = None
        self.priorities = None
        self.sync_slot = None
        self.load_balancer = None

    def summary(self):
        """The instance as plan['groups'][group]['instances'] lists it."""
        return {'name': self.name, 'family': self.family, 'version': self.version,
                'vrid': self.vrid, 'vips': self.vips, 'priorities': self.priorities}


def instances_of_group(group):
    """The instances of a group this run deploys, its VIPs checked against its members."""
    entries = vip_entries(group)
    check_names(group, entries)
    preferred = _preferred_index(group)
    check_vips(group, entries)
    instances = build_instances(group, entries, preferred)
    _check_switchover(group, instances)
    return instances


def _check_switchover(group, instances):
    """A switchover (vrrp_master) that a fixed vrrp_priority would keep from happening is
    an error: the run would end with the VIP where it was. (Spread mode has no fixed
    priorities; vrrp_master starts its rotation.)"""
    wanted = group.settings['master']
    if wanted is None or group.settings['mode'] != 'single':
        return
    for inst in instances:
        prios = inst.priorities
        top = max(prios, key=prios.get)
        if top == wanted:
            continue
        host, var = group.sources['master']
        fixed = dict((m.name, m) for m in group.members if m.priority is not None)
        if top in fixed:
            why = 'host %s has the fixed vrrp_priority %d, above the %d that %s gets' % (
                top, prios[top], prios[wanted], wanted)
        else:
            why = '%s has the fixed vrrp_priority %d, below the %d that %s gets' % (
                wanted, prios[wanted], prios[top], top)
        raise PlanError(host, var, 'a switchover to %s cannot happen: %s; remove or change that '
                        'vrrp_priority' % (wanted, why))


def _preferred_index(group):
    """Where the MASTER rotation starts: the member named by vrrp_master (a planned
    switchover), else the first member in inventory order."""
    if group.settings['master'] is None:
        return 0
    names = group.member_names
    host, var = group.sources['master']
    if group.settings['master'] not in names:
        raise PlanError(host, var, '%r is not a member of this group (%s)'
                        % (group.settings['master'], ', '.join(names)))
    preferred = names.index(group.settings['master'])
    if group.members[preferred].drain:
        raise PlanError(host, var, '%s is drained (vrrp_drain): it cannot be the MASTER'
                        % group.settings['master'])
    return preferred


def build_instances(group, entries, preferred=None):
    """The group's instances: each of its VridClaims split by address family.

    preferred: for a group this run deploys, the index of the member whose turn as MASTER
    comes first (its instances get a version, priorities and sync slot); None for a group
    that is only read for its VRIDs.
    """
    members = group.members
    instances = []
    for claim in vrid_claims(group, entries):
        for family, suffix, vips in _split_by_family(claim.addresses):
            if any(family not in m.addresses for m in members):
                # not reached for a deployed group: check_vips named the member already
                raise PlanError(group.name, 'groups[%s]' % group.name, 'a member without a %s address' % family)
            inst = Instance(
                claim.name + suffix, group.name, family, [a.cidr for a in vips], [m.name for m in members],
                dict((m.name, str(m.addresses[family].ip)) for m in members),
                dict((m.name, m.interface) for m in members),
                claim_name=claim.name, vrid=claim.vrid, vrid_source=claim.vrid_source,
                candidate=claim.candidate, l2=l2_keys(vips, members, family))
            if preferred is not None:
                _add_version_and_priorities(inst, group, claim.entry_index, preferred)
            instances.append(inst)
    return instances


def _split_by_family(addrs):
    """(family, instance name suffix, addresses of the family) for each family in addrs;
    the IPv6 instance is NAME_v6 when there is an IPv4 one."""
    families = sorted(set(a.family for a in addrs))
    for family in families:
        name_suffix = '_v6' if len(families) > 1 and family == 'ipv6' else ''
        yield family, name_suffix, [a for a in addrs if a.family == family]


def _add_version_and_priorities(inst, group, entry_index, preferred):
    """What only an instance of a deployed group has: its VRRP version, the members'
    priorities (spread mode: VIP entry I starts the rotation I members later) and the
    rotation slot of its VIP entry."""
    members = group.members
    master_index = preferred if entry_index is None else (preferred + entry_index) % len(members)
    inst.sync_slot = None if entry_index is None else entry_index % len(members) + 1
    inst.version = _vrrp_version(inst.family, group)
    _check_advert(group.settings['advert_int'], inst.version, group.sources)
    inst.priorities = _priorities(members, master_index, group.settings, group.sources,
                                  group.settings['mode'] == 'spread')


def _vrrp_version(family, group):
    """vrrp_version, else 2 for IPv4; IPv6 needs VRRPv3."""
    version = group.settings['version']
    if family == 'ipv6':
        if version == 2:
            host, var = group.sources['version']
            raise PlanError(host, var, 'IPv6 virtual IPs need VRRP version 3, got 2')
        return 3
    return 2 if version is None else version


def _check_advert(advert_int, version, sources):
    host, var = sources['advert_int']
    if version == 2:
        if advert_int != int(advert_int):
            raise PlanError(host, var, '%s s is sub-second: VRRPv2 carries whole seconds '
                            '(keepalived would round it); set vrrp_version: 3' % advert_int)
        if advert_int > V2_ADVERT_MAX:
            raise PlanError(host, var, 'at most %d s with VRRPv2' % V2_ADVERT_MAX)
    else:
        if advert_int > V3_ADVERT_MAX:
            raise PlanError(host, var, 'at most %s s with VRRPv3' % V3_ADVERT_MAX)
        if abs(advert_int * 100 - round(advert_int * 100)) > 1e-9:
            raise PlanError(host, var, '%s s is finer than VRRPv3\'s centiseconds' % advert_int)


def _check_group_fits(n, settings, sources):
    """A group with more members than its priority range holds, said as such."""
    base, step = settings['priority_base'], settings['priority_step']
    room = max(0, (min(base, PRIORITY_MAX) - PRIORITY_MIN) // step + 1)
    if n > room:
        host, var = sources['priority_base']
        raise PlanError(host, var, 'the group has %d members, but priorities %d down by %d to %d '
                        'leave room for %d; raise vrrp_priority_base (at most %d, for %d members with '
                        'step %d) or lower vrrp_priority_step'
                        % (n, base, step, PRIORITY_MIN, room, PRIORITY_MAX,
                           (PRIORITY_MAX - PRIORITY_MIN) // step + 1, step))


def _priorities(members, master_index, settings, sources, spread):
    """Member name -> priority: base for the preferred member, then one step less for each
    next member in inventory order (rotated so that master_index comes first; drained
    members last)."""
    n = len(members)
    handing_over = [m for m in members if m.handover]
    _check_group_fits(n + (1 if handing_over else 0), settings, sources)
    # the rotation from master_index, drained members (vrrp_drain) after all the others,
    # those that hand their VIPs over one rank further: below every priority the others
    # have now (before this plan) as well, so that the next one preempts them with no tie
    rotation = [members[(master_index + k) % n] for k in range(n)]
    ranked = [m for m in rotation if not m.drain] + [m for m in rotation if m.drain and not m.handover]
    rank_of = dict((m.name, rank) for rank, m in enumerate(ranked))
    rank_of.update((m.name, len(ranked) + 1 + i) for i, m in enumerate(m for m in rotation if m.handover))
    out = {}
    for member in members:
        prio = settings['priority_base'] - rank_of[member.name] * settings['priority_step']
        if member.priority is not None:
            if spread:
                raise PlanError(member.name, member.priority_var, 'a fixed priority applies '
                                'only with vrrp_mode single; in spread mode priorities '
                                'rotate per VIP')
            prio = member.priority
            var = member.priority_var
        else:
            var = sources['priority_base'][1]
        if not PRIORITY_MIN <= prio <= PRIORITY_MAX:
            raise PlanError(member.name, var, 'priority %d is outside %d..%d (255 is '
                            'reserved for the address owner)' % (prio, PRIORITY_MIN, PRIORITY_MAX))
        out[member.name] = prio
    top = max(members, key=lambda m: out[m.name])
    if top.drain:
        raise PlanError(top.name, top.priority_var, 'host %s is drained (vrrp_drain), but its fixed '
                        'priority %d is the highest of its group' % (top.name, out[top.name]))
    seen = {}
    for member in members:
        prio = out[member.name]
        if prio in seen:
            var = member.priority_var if member.priority is not None else sources['priority_base'][1]
            raise PlanError(member.name, var, 'priority %d is also the priority of %s; '
                            'priorities in a group must be distinct' % (prio, seen[prio]))
        seen[prio] = member.name
    return out
