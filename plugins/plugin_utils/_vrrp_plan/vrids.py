# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VRIDs: what a group claims (a VRID given, or derived from its name), which instances
can hear each other (one L2), the settling of derived VRIDs and the check that no two
instances of one family share a VRID on one L2.

Across the whole inventory when the caller asks for it (docs/topologies.md, "VRIDs across
the inventory"): the instances of the groups a run does not deploy (other_groups.py) take
part in the settling and the check like the deployed ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import zlib
from collections import namedtuple

try:
    import netaddr
except ImportError:  # pragma: no cover - reported by values.require_netaddr()
    netaddr = None

from .values import (
    VRID_MAX,
    VRID_MIN,
    PlanError,
)

DERIVED = 'derived from the group name'


def group_precedence(groups, others, order):
    """Precedence of each group name for derived VRIDs: its place in `order` (the
    inventory's order of groups), else after all of those, in the order given (groups,
    then others)."""
    place = dict((name, i) for i, name in enumerate(order or ()))
    out = {}
    for i, group in enumerate(list(groups) + list(others)):
        out.setdefault(group['name'], place.get(group['name'], len(place) + i))
    return out


class VridClaim(namedtuple('VridClaim', 'name vrid vrid_source candidate addresses entry_index')):
    """What one VRID serves in a group, before the address families split it into
    instances (NAME and NAME_v6, which share the VRID): the instance name; the VRID and the
    variable it comes from (DERIVED when derived); candidate, the first VRID a derived one
    tries (derived_vrid() of the name; None when the VRID is given), which assign_vrids()
    settles; its addresses (Address); its VIP entry's index in spread mode (None in single
    mode, where one claim holds every VIP of the group)."""

    __slots__ = ()


def vrid_claims(group, entries):
    """The group's VridClaims: one per VIP entry (VipEntry) in spread mode, else one."""
    settings, sources = group.settings, group.sources
    base_name = settings['instance_name'] or 'vi_%s' % group.name
    host_of_vips = sources['vips'][0]
    if settings['mode'] != 'spread':
        if any(e.vrid is not None for e in entries):
            raise PlanError(host_of_vips, sources['vips'][1], 'a vrid per VIP applies only with '
                            'vrrp_mode spread; set vrrp_vrid for the group')
        addresses = [a for e in entries for a in e.addresses]
        if settings['vrid'] is not None:
            return [VridClaim(base_name, settings['vrid'], sources['vrid'][1], None, addresses, None)]
        candidate = derived_vrid(group.name)
        return [VridClaim(base_name, candidate, DERIVED, candidate, addresses, None)]
    claims = []
    for i, entry in enumerate(entries):
        name = entry.name or '%s_%d' % (base_name, i + 1)
        candidate = None
        if entry.vrid is not None:
            vrid, vrid_source = entry.vrid, entry.variable + '.vrid'
        elif settings['vrid'] is not None:
            vrid, vrid_source = settings['vrid'] + i, sources['vrid'][1]
            if vrid > VRID_MAX:
                raise PlanError(host_of_vips, vrid_source, 'VRID %d + %d VIPs runs past %d'
                                % (settings['vrid'], len(entries), VRID_MAX))
        else:
            vrid = candidate = derived_vrid('%s/%s' % (group.name, name))
            vrid_source = DERIVED
        claims.append(VridClaim(name, vrid, vrid_source, candidate, entry.addresses, i))
    return claims


def derived_vrid(key):
    """A VRID in 1..255 derived from a name: the same name always gives the same VRID."""
    return zlib.crc32(key.encode('utf-8')) % VRID_MAX + 1


def l2_keys(vips, members, family):
    """What the L2 index needs of an instance, as integers: the (prefix, network) of each
    VIP with a subnet (not /32 or /128), and the members' addresses."""
    host_prefix = 32 if family == 'ipv4' else 128
    return ([(a.net.prefixlen, a.net.first) for a in vips if a.net.prefixlen != host_prefix],
            [int(m.addresses[family].ip) for m in members])


def assign_vrids(instances, deployed):
    """Settle the derived VRIDs of `instances` (in precedence order: inventory order of
    their groups) and return the moves of the planned groups' instances (deployed: {name:
    Group} of the groups the run plans, deployed or sharing a host with a deployed one).

    Explicit VRIDs (vrrp_vrid, a VIP entry's vrid) stay as given and are reserved first.
    Then each claim with a derived VRID (its IPv4 and IPv6 twins together), in precedence
    order, takes its candidate, derived_vrid(name), unless that VRID is taken on its L2
    (as same_l2 defines it, same family) by an explicit VRID or by an earlier derived one;
    then the next VRID up (linear probing, 255 wraps to 1). So a group that collides with
    nobody keeps derived_vrid(name), and a group appended to the inventory never moves an
    earlier group's VRID.
    """
    to_settle = [inst for inst in instances if inst.candidate is not None]
    if not to_settle:
        return []
    placed = L2Index(instances)
    for inst in instances:
        if inst.candidate is None:
            placed.reserve(inst, placed.keys(inst))
    moves = []
    for (group, claim_name), twins in _twins_by_claim(to_settle):
        twins_keys = [(inst, placed.keys(inst)) for inst in twins]
        hits = placed.hits(twins_keys)
        taken = set()
        for found in hits:
            taken.update(found)
        candidate = twins[0].candidate
        vrid = _free_vrid(candidate, taken)
        if vrid is None:
            if group in deployed:
                host, var = deployed[group].sources['vrid']
                raise PlanError(host, var, 'no free VRID for instance %s of group %s: all of '
                                '%d..%d are taken on its L2; set vrrp_vrid'
                                % (claim_name, group, VRID_MIN, VRID_MAX))
            vrid = candidate
        for inst, inst_keys in twins_keys:
            inst.vrid = vrid
            placed.reserve(inst, inst_keys)
        if vrid != candidate and group in deployed:
            moves.append({'group': group, 'instance': claim_name, 'vrid': vrid, 'derived': candidate,
                          'taken_by': next(found[candidate] for found in hits if candidate in found)})
    return moves


class L2Index:
    """The VRIDs placed so far under each link (family, host, interface), VIP subnet and
    member address (masked to every VIP prefix of its family), for assign_vrids: what
    same_l2 decides for a pair, as dictionary lookups."""

    WIDTHS = {'ipv4': 32, 'ipv6': 128}
    EMPTY = {}

    def __init__(self, instances):
        self.prefixes = {'ipv4': set(), 'ipv6': set()}
        for inst in instances:
            self.prefixes[inst.family].update(prefix for prefix, _network in inst.l2[0])
        self.by_link, self.by_net, self.by_addr = {}, {}, {}

    def keys(self, inst):
        """(links, VIP subnets, addresses under every VIP prefix of the family)."""
        family = inst.family
        width = self.WIDTHS[family]
        nets, values = inst.l2
        links = [(family, host, inst.interfaces[host]) for host in inst.members]
        subnets = [(family, prefix, network) for prefix, network in nets]
        addrs = []
        for prefix in self.prefixes[family]:
            shift = width - prefix
            addrs.extend((family, prefix, value >> shift << shift) for value in values)
        return links, subnets, addrs

    def reserve(self, inst, inst_keys):
        """Place inst's VRID (first group to place a VRID under a key keeps it)."""
        vrid, group = inst.vrid, inst.group
        for index, found in zip((self.by_link, self.by_net, self.by_addr), inst_keys):
            for key in found:
                index.setdefault(key, {}).setdefault(vrid, group)

    def hits(self, twins_keys):
        """{VRID: group} of everything placed on the L2 of these instances: the same link;
        a placed VIP subnet holds an address of theirs; theirs holds a placed address."""
        return [index.get(k, self.EMPTY) for _inst, (links, subnets, addrs) in twins_keys
                for index, found in ((self.by_link, links), (self.by_addr, subnets), (self.by_net, addrs))
                for k in found]


def _twins_by_claim(instances):
    """[((group, claim name), [its instances: the IPv4 and IPv6 twins])], in order."""
    by_claim = {}
    for inst in instances:
        by_claim.setdefault((inst.group, inst.claim_name), []).append(inst)
    return list(by_claim.items())


def _free_vrid(candidate, taken):
    """The first VRID from candidate up (255 wraps to 1) not in taken, or None."""
    for step in range(VRID_MAX):
        vrid = (candidate - 1 + step) % VRID_MAX + 1
        if vrid not in taken:
            return vrid
    return None


def check_vrid_conflicts(instances, deployed, deployed_count=None):
    """Two instances of one family and VRID on one L2 are an error. instances: the
    planned groups' instances, then those of groups this run does not plan (their first
    `deployed_count` entries are the planned ones; None: all); a clash between two groups
    that are not planned is not this run's error. deployed: {name: Group} of the planned
    groups (deployed, or sharing a host with a deployed one)."""
    if deployed_count is None:
        deployed_count = len(instances)
    by_vrid = {}
    for index, inst in enumerate(instances):
        by_vrid.setdefault((inst.vrid, inst.family), []).append((index, inst))
    for (vrid, family), indexed in sorted(by_vrid.items()):
        if len(indexed) < 2 or indexed[0][0] >= deployed_count:
            continue
        same = [inst for _index, inst in indexed]
        pair = first_l2_pair(same, sum(1 for index, _inst in indexed if index < deployed_count))
        if not pair:
            continue
        a, b = same[pair[0]], same[pair[1]]
        where = same_l2(a, b)
        if b.group in deployed and indexed[pair[1]][0] < deployed_count:
            host, var = _vrid_variable(b, deployed[b.group])
            raise PlanError(host, var, 'VRID %d (%s) of instance %s in group %s and of '
                            'instance %s in group %s is the same on one L2 (%s); give '
                            'them different vrrp_vrid' % (vrid, family, a.name, a.group,
                                                          b.name, b.group, where))
        host, var = _vrid_variable(a, deployed[a.group])
        raise PlanError(host, var, 'VRID %d (%s) of instance %s in group %s (hosts %s) and of '
                        'instance %s in group %s (hosts %s), which this run does not deploy, '
                        'is the same on one L2 (%s); give them different vrrp_vrid'
                        % (vrid, family, a.name, a.group, ', '.join(a.members),
                           b.name, b.group, ', '.join(b.members), where))


def first_l2_pair(same, limit=None):
    """The first pair (i, j), i < j, of instances in `same` that same_l2 joins, in the
    order of a loop over every pair, or None. Indexed, so that it costs about one pass
    over the instances instead of one same_l2 per pair. limit: only pairs whose first
    instance is one of the first `limit` (the deployed ones)."""
    pairs = set()
    by_link = {}
    for j, inst in enumerate(same):
        for host in inst.members:
            for i in by_link.setdefault((host, inst.interfaces[host]), []):
                pairs.add((i, j))
            by_link[(host, inst.interfaces[host])].append(j)
    width = 32 if same[0].family == 'ipv4' else 128
    by_net = {}
    for i, inst in enumerate(same):
        for vip in inst.vips:
            if not vip.endswith(('/32', '/128')):
                net = netaddr.IPNetwork(vip)
                by_net.setdefault((net.prefixlen, int(net.network)), set()).add(i)
    prefixes = set(prefix for prefix, _net in by_net)
    for j, inst in enumerate(same):
        for addr in inst.addresses.values():
            value = int(netaddr.IPAddress(addr))
            for prefix in prefixes:
                mask = ((1 << prefix) - 1) << (width - prefix)
                for i in by_net.get((prefix, value & mask), ()):
                    if i != j:
                        pairs.add((min(i, j), max(i, j)))
    if limit is not None:
        pairs = set(pair for pair in pairs if pair[0] < limit)
    return min(pairs) if pairs else None


def same_l2(a, b):
    """Whether two planned instances may hear each other: they share a (host, interface),
    or an address of one lies in a subnet (VIP prefix) of the other."""
    if a.family != b.family:
        return False
    shared = set(a.interfaces.items()) & set(b.interfaces.items())
    if shared:
        return 'host %s, interface %s' % sorted(shared)[0]
    for x, y in ((a, b), (b, a)):
        nets = [netaddr.IPNetwork(v) for v in x.vips if not v.endswith(('/32', '/128'))]
        for addr in list(y.addresses.values()):
            for net in nets:
                if netaddr.IPAddress(addr) in net.cidr:
                    return 'subnet %s' % net.cidr
    return False


def _vrid_variable(inst, group):
    """(host, variable) that an error about inst's VRID names: vrrp_vrid, or the vrid of
    its VIP entry."""
    host, var = group.sources['vrid']
    if inst.vrid_source.startswith(group.sources['vips'][1]):
        var = inst.vrid_source  # a vrid of one VIP entry
    return host, var
