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
read for their VRIDs only (see :func:`plan_groups` and :func:`_assign_vrids`, and
docs/topologies.md, "VRIDs across the inventory").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import zlib

try:
    import netaddr
except ImportError:  # pragma: no cover - reported by require_netaddr()
    netaddr = None

VAR_PREFIX = 'vrrp_'

# Settings that describe a whole group: read from every member (group_vars), and every
# member must agree.  name -> default (None: no default).
GROUP_SETTINGS = {
    'vips': None,
    'interface': None,
    'vrid': None,
    'mode': 'single',
    'profile': 'seed',
    # None: the profile's
    'advert_int': None,
    'version': None,
    'priority_base': 101,
    'priority_step': 1,
    'unicast': True,
    'nopreempt': False,
    'instance_name': None,
    'sync_group': False,
    'master': None,
    # Load balancing (issue 13): the inventory group of the web servers behind the VIP
    # (None: the group's members serve the VIP themselves, as the seed's pair), their
    # port, and who balances: HAProxy on the members, or keepalived's own LVS (NAT or DR).
    'backends': None,
    'backend_port': 80,
    'lb_mode': 'haproxy',
}
# Settings of one member (host_vars).
HOST_SETTINGS = ('address', 'priority')

MODES = ('single', 'spread')
LB_MODES = ('haproxy', 'lvs_nat', 'lvs_dr')

# Timer profiles (vrrp_profile): the VRRP version and advert_int a group gets unless
# vrrp_version / vrrp_advert_int say otherwise, and the health check that matches them
# (the keepalived role's keepalived_health_check_* defaults come from here).
#   seed: the seed's pair: VRRPv2 (v3 for IPv6), one advert a second, a check a second,
#         fall 2, rise 2.
#   fast: VRRPv3 with 20 ms adverts (Master_Down_Interval about 72 ms), a check every
#         100 ms, fall 2. The advert_int is the one of 0.02-0.05 s that the benchmark's
#         soak found to hold without a false failover under CPU stress, with a margin
#         (docs/bench.md). Sub-second checks need keepalived 2.3.2 or later; before that
#         keepalived takes whole seconds, at least 1, and the role raises them to that.
PROFILES = {
    'seed': {'version': None, 'advert_int': 1,
             'health_check': {'interval': 1, 'timeout': 1, 'fall': 2, 'rise': 2}},
    'fast': {'version': 3, 'advert_int': 0.02,
             'health_check': {'interval': 0.1, 'timeout': 0.25, 'fall': 2, 'rise': 2}},
}
PRIORITY_MIN, PRIORITY_MAX = 1, 254
VRID_MIN, VRID_MAX = 1, 255
V3_ADVERT_MAX = 40.95  # 12-bit field of centiseconds (RFC 5798 5.2.7)
V2_ADVERT_MAX = 255


class PlanError(ValueError):
    """Bad input, with the host and the variable it came from."""

    def __init__(self, host, variable, message):
        self.host = host
        self.variable = variable
        super(PlanError, self).__init__('host %s: %s: %s' % (host, variable, message))


def require_netaddr():
    if netaddr is None:
        raise ImportError('failover.keepalived needs the Python library netaddr on the '
                          'Ansible controller: pip install netaddr')


def derived_vrid(key):
    """A VRID in 1..255 derived from a name: the same name always gives the same VRID."""
    return zlib.crc32(key.encode('utf-8')) % VRID_MAX + 1


def master_down_interval(advert_int, priority, version):
    """RFC 3768 / RFC 5798 Master_Down_Interval, with keepalived's skew for the version.

    VRRPv2 (keepalived vrrp.h): skew = (256 - priority) / 256 seconds.
    VRRPv3: skew = (256 - priority) * advert_int / 256.
    """
    if version == 3:
        skew = (256 - priority) * advert_int / 256.0
    else:
        skew = (256 - priority) / 256.0
    return round(3 * advert_int + skew, 4)


# --- parsing of single values -------------------------------------------------------

def _as_int(value, host, variable):
    if isinstance(value, bool):
        raise PlanError(host, variable, 'expected an integer, got %r' % (value,))
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise PlanError(host, variable, 'expected an integer, got %r' % (value,))


def _as_number(value, host, variable):
    if isinstance(value, bool):
        raise PlanError(host, variable, 'expected a number, got %r' % (value,))
    try:
        number = value if isinstance(value, (int, float)) else \
            float(value) if '.' in str(value) else int(value)
    except (TypeError, ValueError):
        raise PlanError(host, variable, 'expected a number, got %r' % (value,))
    if not math.isfinite(number):
        raise PlanError(host, variable, 'expected a finite number, got %r' % (value,))
    return number


_TRUE = ('true', 'yes', 'on', '1')
_FALSE = ('false', 'no', 'off', '0')


def _as_bool(value, host, variable):
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).lower() in _TRUE + _FALSE:
        return str(value).lower() in _TRUE
    raise PlanError(host, variable, 'expected a boolean, got %r' % (value,))


def _as_str(value, host, variable):
    if not isinstance(value, str) or not value.strip():
        raise PlanError(host, variable, 'expected a non-empty string, got %r' % (value,))
    return value.strip()


def _as_list(value, host, variable):
    if isinstance(value, (str, dict)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise PlanError(host, variable, 'expected a list, got %r' % (value,))


def parse_ip(text, host, variable):
    """An IP address with an optional prefix, as a netaddr.IPNetwork.

    The prefix is kept only when given (``prefix_known``): '198.18.77.69' and
    '198.18.77.69/32' are the same address, but only the second one names a subnet.
    Host names are refused: keepalived needs addresses, and DNS is not a plan input.
    """
    require_netaddr()
    if not isinstance(text, str) or not text.strip():
        raise PlanError(host, variable, 'expected an IP address, got %r' % (text,))
    text = text.strip()
    addr_part = text.split('/', 1)[0]
    try:
        ip = netaddr.IPAddress(addr_part, flags=netaddr.INET_PTON)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise PlanError(host, variable, '%r is not an IP address (host names are not '
                                        'accepted: give the address)' % (text,))
    prefix_known = '/' in text
    try:
        # Without a prefix the network is the address itself: no second parse of the text.
        net = netaddr.IPNetwork(text) if prefix_known else netaddr.IPNetwork(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise PlanError(host, variable, '%r is not an IP address with a valid prefix' % (text,))
    if net.ip != ip:
        raise PlanError(host, variable, '%r is not an IP address' % (text,))
    return Address(net, prefix_known)


class Address:
    """An address as given: netaddr network plus whether its prefix was written."""

    __slots__ = ('net', 'prefix_known', 'ip', 'family')

    def __init__(self, net, prefix_known):
        self.net = net
        self.prefix_known = prefix_known
        # Read once: the plan's checks compare these for every member and VIP.
        self.ip = net.ip
        self.family = 'ipv6' if net.version == 6 else 'ipv4'

    @property
    def cidr(self):
        return '%s/%d' % (self.net.ip, self.net.prefixlen)

    def contains(self, other):
        """Whether other's address lies in this address's subnet (prefix given)."""
        return self.prefix_known and other.ip in self.net.cidr


def vip_to_cidr(text, host='?', variable='address'):
    """'198.18.77.69' -> '198.18.77.69/32'; '2001:db8::69/64' -> '2001:db8::69/64'."""
    return parse_ip(text, host, variable).cidr


# --- reading the inventory ------------------------------------------------------------

class Member:
    __slots__ = ('name', 'addresses', 'address_vars', 'priority', 'priority_var')

    def __init__(self, name, addresses, priority, priority_var, address_vars=None):
        self.name = name
        self.addresses = addresses  # family -> Address
        self.address_vars = address_vars or {}  # family -> the variable it came from
        self.priority = priority
        self.priority_var = priority_var


def _settings_of_group(name, members_vars, overrides, override_label, keys=None):
    """Group-level settings: explicit overrides, else the members' vrrp_* vars, which
    must then be the same on every member (they normally come from group_vars).
    keys: only these settings (default: every one of GROUP_SETTINGS)."""
    settings, source = {}, {}
    first = members_vars[0][0] if members_vars else name
    for key, default in GROUP_SETTINGS.items():
        if keys is not None and key not in keys:
            continue
        if key in overrides:
            settings[key] = overrides[key]
            source[key] = (first, '%s.%s' % (override_label, key))
            continue
        var = VAR_PREFIX + key
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
        source[key] = (first, var)
    return settings, source


def _member(host, hvars, override_label, with_priority=True):
    addr_var = VAR_PREFIX + 'address'
    raw = hvars.get(addr_var)
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
    for i, text in enumerate(_as_list(raw, host, addr_var)):
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
        prio = _as_int(prio, host, prio_var)
    return Member(host, addresses, prio, prio_var, address_vars)


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


def _vip_entries(settings, source, group):
    """The VIP list as entries: [{'name', 'vrid', 'addresses': [Address]}]."""
    host, var = source['vips']
    raw = settings['vips']
    if raw is None:
        raise PlanError(host, var, 'not set: group %s needs at least one virtual IP' % group)
    items = _as_list(raw, host, var)
    if not items:
        raise PlanError(host, var, 'empty: group %s needs at least one virtual IP' % group)
    entries, seen = [], {}
    for i, item in enumerate(items):
        item_var = '%s[%d]' % (var, i)
        if isinstance(item, dict):
            unknown = set(item) - set(('name', 'vrid', 'addresses'))
            if unknown:
                raise PlanError(host, item_var, 'unknown keys %s (known: name, vrid, '
                                'addresses)' % ', '.join(sorted(unknown)))
            texts = _as_list(item.get('addresses'), host, item_var + '.addresses')
            entry = {'name': item.get('name'), 'vrid': item.get('vrid'), 'var': item_var}
            if not texts:
                raise PlanError(host, item_var + '.addresses', 'empty')
            entry['addresses'] = [parse_ip(t, host, '%s.addresses[%d]' % (item_var, j))
                                  for j, t in enumerate(texts)]
            if entry['vrid'] is not None:
                entry['vrid'] = _check_vrid(entry['vrid'], host, item_var + '.vrid')
        else:
            entry = {'name': None, 'vrid': None, 'var': item_var,
                     'addresses': [parse_ip(item, host, item_var)]}
        for addr in entry['addresses']:
            if addr.ip in seen:
                raise PlanError(host, item_var, 'virtual IP %s is listed twice (also in %s)'
                                % (addr.ip, seen[addr.ip]))
            seen[addr.ip] = item_var
        entries.append(entry)
    return entries


def _check_vrid(value, host, var):
    vrid = _as_int(value, host, var)
    if not VRID_MIN <= vrid <= VRID_MAX:
        raise PlanError(host, var, 'VRID %d is outside %d..%d' % (vrid, VRID_MIN, VRID_MAX))
    return vrid


def _check_settings(settings, source, group, members):
    def where(key):
        return source[key]

    if len(members) < 2:
        host = members[0].name if members else 'localhost'
        raise PlanError(host, 'groups[%s]' % group, 'group %s has %d member(s); VRRP needs '
                        'at least two hosts' % (group, len(members)))
    host, var = where('interface')
    settings['interface'] = _as_str(settings['interface'], host, var) \
        if settings['interface'] is not None else None
    if settings['interface'] is None:
        raise PlanError(host, var, 'not set: the interface that carries VRRP and the VIPs '
                        '(for example eth1)')
    host, var = where('mode')
    if settings['mode'] not in MODES:
        raise PlanError(host, var, '%r is not a mode (use %s)' % (settings['mode'], ' or '.join(MODES)))
    for key in ('priority_base', 'priority_step'):
        host, var = where(key)
        settings[key] = _as_int(settings[key], host, var)
    host, var = where('priority_step')
    if settings['priority_step'] < 1:
        raise PlanError(host, var, 'must be 1 or more, got %d' % settings['priority_step'])
    for key in ('unicast', 'nopreempt', 'sync_group'):
        host, var = where(key)
        settings[key] = _as_bool(settings[key], host, var)
    if settings['vrid'] is not None:
        host, var = where('vrid')
        settings['vrid'] = _check_vrid(settings['vrid'], host, var)
    host, var = where('profile')
    settings['profile'] = _as_str(settings['profile'], host, var)
    if settings['profile'] not in PROFILES:
        raise PlanError(host, var, '%r is not a timer profile (use %s)'
                        % (settings['profile'], ' or '.join(sorted(PROFILES))))
    profile = PROFILES[settings['profile']]
    for key in ('version', 'advert_int'):
        if settings[key] is None and profile[key] is not None:
            # an error in the profile's value names vrrp_profile
            settings[key], source[key] = profile[key], (host, var)
    settings['health_check'] = dict(profile['health_check'])
    if settings['version'] is not None:
        host, var = where('version')
        settings['version'] = _as_int(settings['version'], host, var)
        if settings['version'] not in (2, 3):
            raise PlanError(host, var, 'VRRP version must be 2 or 3, got %d' % settings['version'])
    host, var = where('advert_int')
    settings['advert_int'] = _as_number(settings['advert_int'], host, var)
    if settings['advert_int'] <= 0:
        raise PlanError(host, var, 'must be greater than 0, got %s' % settings['advert_int'])
    if settings['instance_name'] is not None:
        host, var = where('instance_name')
        settings['instance_name'] = _as_str(settings['instance_name'], host, var)


def _check_advert(advert_int, version, source):
    host, var = source['advert_int']
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


def _priorities(members, master_index, settings, source, spread):
    """Member name -> priority: base for the preferred member, then one step less for each
    next member in inventory order (rotated so that master_index comes first)."""
    n = len(members)
    out = {}
    for j, member in enumerate(members):
        rank = (j - master_index) % n
        prio = settings['priority_base'] - rank * settings['priority_step']
        if member.priority is not None:
            if spread:
                raise PlanError(member.name, member.priority_var, 'a fixed priority applies '
                                'only with vrrp_mode single; in spread mode priorities '
                                'rotate per VIP')
            prio = member.priority
            var = member.priority_var
        else:
            var = source['priority_base'][1]
        if not PRIORITY_MIN <= prio <= PRIORITY_MAX:
            raise PlanError(member.name, var, 'priority %d is outside %d..%d (255 is '
                            'reserved for the address owner)' % (prio, PRIORITY_MIN, PRIORITY_MAX))
        out[member.name] = prio
    seen = {}
    for member in members:
        prio = out[member.name]
        if prio in seen:
            var = member.priority_var if member.priority is not None else source['priority_base'][1]
            raise PlanError(member.name, var, 'priority %d is also the priority of %s; '
                            'priorities in a group must be distinct' % (prio, seen[prio]))
        seen[prio] = member.name
    return out


def _preferred_index(members, settings, source):
    """Where the MASTER rotation starts: the member named by vrrp_master (a planned
    switchover), else the first member in inventory order."""
    if settings['master'] is None:
        return 0
    names = [m.name for m in members]
    host, var = source['master']
    if settings['master'] not in names:
        raise PlanError(host, var, '%r is not a member of this group (%s)'
                        % (settings['master'], ', '.join(names)))
    return names.index(settings['master'])


DERIVED = 'derived from the group name'


def _reserved_address(ip, net):
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


def _vrid_specs(group, entries, settings, source):
    """The group's VRRP instances before the address families split them:
    [(name, vrid, vrid source, derived candidate or None, [Address], VIP entry index or None)].
    A derived VRID is only the first candidate here; _assign_vrids() settles it."""
    base_name = settings['instance_name'] or 'vi_%s' % group
    host_of_vips = source['vips'][0]
    specs = []
    if settings['mode'] == 'spread':
        for i, entry in enumerate(entries):
            name = entry['name'] or '%s_%d' % (base_name, i + 1)
            derived = None
            if entry['vrid'] is not None:
                vrid, vrid_src = entry['vrid'], entry['var'] + '.vrid'
            elif settings['vrid'] is not None:
                vrid, vrid_src = settings['vrid'] + i, source['vrid'][1]
                if vrid > VRID_MAX:
                    raise PlanError(host_of_vips, vrid_src, 'VRID %d + %d VIPs runs past %d'
                                    % (settings['vrid'], len(entries), VRID_MAX))
            else:
                vrid = derived = derived_vrid('%s/%s' % (group, name))
                vrid_src = DERIVED
            specs.append((name, vrid, vrid_src, derived, entry['addresses'], i))
    else:
        if any(e['vrid'] is not None for e in entries):
            raise PlanError(host_of_vips, source['vips'][1], 'a vrid per VIP applies only with '
                            'vrrp_mode spread; set vrrp_vrid for the group')
        derived = None if settings['vrid'] is not None else derived_vrid(group)
        vrid = settings['vrid'] if derived is None else derived
        vrid_src = source['vrid'][1] if derived is None else DERIVED
        specs.append((base_name, vrid, vrid_src, derived, [a for e in entries for a in e['addresses']], None))
    return specs


def _families(addrs):
    families = sorted(set(a.family for a in addrs))
    for family in families:
        name_suffix = '_v6' if len(families) > 1 and family == 'ipv6' else ''
        yield family, name_suffix, [a for a in addrs if a.family == family]


def _l2_data(vips, members, family):
    """What _assign_vrids needs of an instance, as integers: the (prefix, network) of
    each VIP with a subnet (not /32 or /128), and the members' addresses."""
    host_prefix = 32 if family == 'ipv4' else 128
    return ([(a.net.prefixlen, a.net.first) for a in vips if a.net.prefixlen != host_prefix],
            [int(m.addresses[family].ip) for m in members])


def _instances_of_group(group, members, settings, source):
    entries = _vip_entries(settings, source, group)
    spread = settings['mode'] == 'spread'
    first = _preferred_index(members, settings, source)
    host_of_vips = source['vips'][0]

    # Check every VIP against the members: family, subnet, not a member's own address,
    # not the network or broadcast address of a subnet.
    for entry in entries:
        for addr in entry['addresses']:
            if addr.prefix_known:
                reserved = _reserved_address(addr.ip, addr.net)
                if reserved:
                    raise PlanError(host_of_vips, entry['var'], 'virtual IP %s is the %s of its '
                                    'subnet %s, not a host address' % (addr.ip, reserved, addr.net.cidr))
            for member in members:
                own = member.addresses.get(addr.family)
                if own is None:
                    raise PlanError(member.name, VAR_PREFIX + 'address', 'has no %s address, '
                                    'but %s %s is %s' % (addr.family, entry['var'], addr.ip, addr.family))
                if own.ip == addr.ip:
                    raise PlanError(member.name, entry['var'], 'virtual IP %s is the address of '
                                    'host %s itself' % (addr.ip, member.name))
                if addr.prefix_known and not addr.contains(own):
                    raise PlanError(member.name, entry['var'], 'virtual IP %s is outside the '
                                    'subnet of host %s (%s)' % (addr.cidr, member.name, own.ip))
                if own.prefix_known:
                    if addr.ip not in own.net.cidr:
                        raise PlanError(member.name, entry['var'], 'virtual IP %s is outside the '
                                        'subnet of host %s (%s)' % (addr.ip, member.name, own.cidr))
                    reserved = _reserved_address(addr.ip, own.net)
                    if reserved:
                        raise PlanError(member.name, entry['var'], 'virtual IP %s is the %s of the '
                                        'subnet %s of host %s (%s), not a host address'
                                        % (addr.ip, reserved, own.net.cidr, member.name, own.cidr))

    instances = []
    for name, vrid, vrid_src, derived, addrs, index in _vrid_specs(group, entries, settings, source):
        master_index = first if index is None else (first + index) % len(members)
        sync_slot = None if index is None else index % len(members) + 1
        for family, suffix, fam_addrs in _families(addrs):
            version = settings['version']
            if family == 'ipv6':
                if version == 2:
                    host, var = source['version']
                    raise PlanError(host, var, 'IPv6 virtual IPs need VRRP version 3, got 2')
                version = 3
            elif version is None:
                version = 2
            _check_advert(settings['advert_int'], version, source)
            prios = _priorities(members, master_index, settings, source, spread)
            instances.append({
                'name': name + suffix, 'group': group, 'family': family, 'version': version,
                'vrid': vrid, 'vrid_source': vrid_src, 'derived': derived, 'spec': name,
                'vips': [a.cidr for a in fam_addrs],
                'priorities': prios, 'members': [m.name for m in members], 'sync_slot': sync_slot,
                'addresses': dict((m.name, str(m.addresses[family].ip)) for m in members),
                'l2': _l2_data(fam_addrs, members, family),
            })
    return instances


# Settings that decide a group's VRIDs and its L2: all that is read of a group that the
# run does not deploy.
VRID_SETTINGS = ('vips', 'interface', 'vrid', 'mode', 'instance_name')


def _vrid_instances_of_other_group(name, members_vars, overrides=None):
    """The instances of a group that this run does not deploy, with just what the VRID
    assignment and check need (name, family, VRID, VIPs, members, addresses, interface),
    and the key of its settings; PlanError when they do not make a VRRP group."""
    settings, source = _settings_of_group(name, members_vars, dict(overrides or {}),
                                          'groups[%s]' % name, keys=VRID_SETTINGS)
    members = [_member(host, hvars, name, with_priority=False) for host, hvars in members_vars]
    if len(members) < 2 or settings['interface'] is None or settings['mode'] not in MODES:
        raise PlanError(name, 'groups[%s]' % name, 'not a VRRP group')
    host, var = source['interface']
    settings['interface'] = _as_str(settings['interface'], host, var)
    if settings['vrid'] is not None:
        settings['vrid'] = _check_vrid(settings['vrid'], *source['vrid'])
    if settings['instance_name'] is not None:
        settings['instance_name'] = _as_str(settings['instance_name'], *source['instance_name'])
    entries = _vip_entries(settings, source, name)
    instances = []
    for spec_name, vrid, vrid_src, derived, addrs, _index in _vrid_specs(name, entries, settings, source):
        for family, suffix, fam_addrs in _families(addrs):
            if any(family not in m.addresses for m in members):
                raise PlanError(name, 'groups[%s]' % name, 'a member without a %s address' % family)
            instances.append({
                'name': spec_name + suffix, 'group': name, 'family': family, 'vrid': vrid,
                'vrid_source': vrid_src, 'derived': derived, 'spec': spec_name,
                'vips': [a.cidr for a in fam_addrs], 'members': [m.name for m in members],
                'addresses': dict((m.name, str(m.addresses[family].ip)) for m in members),
                'interface': settings['interface'], 'l2': _l2_data(fam_addrs, members, family),
            })
    return settings, source, instances


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


def _host_view(inst, host, settings):
    prio = inst['priorities'][host]
    mdi = master_down_interval(settings['advert_int'], prio, inst['version'])
    master = max(inst['priorities'], key=inst['priorities'].get)
    view = {
        'name': inst['name'],
        'group': inst['group'],
        'interface': settings['interface'],
        'family': inst['family'],
        'version': inst['version'],
        'virtual_router_id': inst['vrid'],
        'state': 'BACKUP' if settings['nopreempt'] or host != master else 'MASTER',
        'priority': prio,
        'advert_int': settings['advert_int'],
        'profile': settings['profile'],
        # the health check that matches the profile's timers (the keepalived role's
        # keepalived_health_check_* defaults)
        'health_check': dict(settings['health_check']),
        'nopreempt': settings['nopreempt'],
        'unicast_src_ip': inst['addresses'][host] if settings['unicast'] else None,
        'unicast_peers': [inst['addresses'][m] for m in inst['members'] if m != host]
        if settings['unicast'] else [],
        'vips': list(inst['vips']),
        # Adverts carry only the first VIP: a host drops adverts whose address list differs
        # from its own, so the others (virtual_ipaddress_excluded) can be added and removed
        # host by host without a BACKUP taking over in between.
        'advertised_vips': list(inst['vips'][:1]),
        'excluded_vips': list(inst['vips'][1:]),
        # VRRPv3 (RFC 5798) has no authentication; PASS applies to VRRPv2 instances only.
        'pass_auth': inst['version'] == 2,
        'master': master,
        'master_down_interval': mdi,
        # How long systemd should wait before it restarts a keepalived that died: longer
        # than a peer needs to take over (this host's Master_Down_Interval, which is the
        # longest, plus one advert), so the restart only removes a stale copy of the VIPs.
        'restart_delay': int(math.ceil(mdi + settings['advert_int'])),
    }
    if 'load_balancer' in inst:
        # the backends behind the VIP (vrrp_backends): HAProxy's servers, or (lb_mode
        # lvs_nat, lvs_dr) keepalived's virtual_server blocks
        view['load_balancer'] = inst['load_balancer']
    return view


def _same_l2(a, b):
    """Whether two planned instances may hear each other: they share a (host, interface),
    or an address of one lies in a subnet (VIP prefix) of the other."""
    if a['family'] != b['family']:
        return False
    shared = set((h, a['interface']) for h in a['members']) & set((h, b['interface']) for h in b['members'])
    if shared:
        return 'host %s, interface %s' % sorted(shared)[0]
    for x, y in ((a, b), (b, a)):
        nets = [netaddr.IPNetwork(v) for v in x['vips'] if not v.endswith(('/32', '/128'))]
        for addr in list(y['addresses'].values()):
            for net in nets:
                if netaddr.IPAddress(addr) in net.cidr:
                    return 'subnet %s' % net.cidr
    return False


def _first_l2_pair(same, limit=None):
    """The first pair (i, j), i < j, of instances in `same` that _same_l2 joins, in the
    order of a loop over every pair, or None. Indexed, so that it costs about one pass
    over the instances instead of one _same_l2 per pair. limit: only pairs whose first
    instance is one of the first `limit` (the deployed ones)."""
    pairs = set()
    by_link = {}
    for j, inst in enumerate(same):
        for host in inst['members']:
            for i in by_link.setdefault((host, inst['interface']), []):
                pairs.add((i, j))
            by_link[(host, inst['interface'])].append(j)
    width = 32 if same[0]['family'] == 'ipv4' else 128
    by_net = {}
    for i, inst in enumerate(same):
        for vip in inst['vips']:
            if not vip.endswith(('/32', '/128')):
                net = netaddr.IPNetwork(vip)
                by_net.setdefault((net.prefixlen, int(net.network)), set()).add(i)
    prefixes = set(prefix for prefix, _net in by_net)
    for j, inst in enumerate(same):
        for addr in inst['addresses'].values():
            value = int(netaddr.IPAddress(addr))
            for prefix in prefixes:
                mask = ((1 << prefix) - 1) << (width - prefix)
                for i in by_net.get((prefix, value & mask), ()):
                    if i != j:
                        pairs.add((min(i, j), max(i, j)))
    if limit is not None:
        pairs = set(pair for pair in pairs if pair[0] < limit)
    return min(pairs) if pairs else None


def _check_vrid_conflicts(instances, sources, deployed=None):
    """Two instances of one family and VRID on one L2 are an error. instances: the
    deployed groups' instances, then those of groups this run does not deploy (their
    first `deployed` entries are the deployed ones; None: all); a clash between two
    groups that are not deployed is not this run's error."""
    if deployed is None:
        deployed = len(instances)
    by_vrid = {}
    for index, inst in enumerate(instances):
        by_vrid.setdefault((inst['vrid'], inst['family']), []).append((index, inst))
    for (vrid, family), indexed in sorted(by_vrid.items()):
        if len(indexed) < 2 or indexed[0][0] >= deployed:
            continue
        same = [inst for _index, inst in indexed]
        pair = _first_l2_pair(same, sum(1 for index, _inst in indexed if index < deployed))
        if not pair:
            continue
        a, b = same[pair[0]], same[pair[1]]
        where = _same_l2(a, b)
        if b['group'] in sources and indexed[pair[1]][0] < deployed:
            host, var = sources[b['group']]['vrid']
            if b['vrid_source'].startswith(sources[b['group']]['vips'][1]):
                var = b['vrid_source']  # a vrid of one VIP entry
            raise PlanError(host, var, 'VRID %d (%s) of instance %s in group %s and of '
                            'instance %s in group %s is the same on one L2 (%s); give '
                            'them different vrrp_vrid' % (vrid, family, a['name'], a['group'],
                                                          b['name'], b['group'], where))
        host, var = sources[a['group']]['vrid']
        if a['vrid_source'].startswith(sources[a['group']]['vips'][1]):
            var = a['vrid_source']
        raise PlanError(host, var, 'VRID %d (%s) of instance %s in group %s (hosts %s) and of '
                        'instance %s in group %s (hosts %s), which this run does not deploy, '
                        'is the same on one L2 (%s); give them different vrrp_vrid'
                        % (vrid, family, a['name'], a['group'], ', '.join(a['members']),
                           b['name'], b['group'], ', '.join(b['members']), where))


def _assign_vrids(instances, deployed_groups, sources):
    """Settle the derived VRIDs of `instances` (in precedence order: inventory order of
    their groups) and return the moves of the deployed groups' instances.

    Explicit VRIDs (vrrp_vrid, a VIP entry's vrid) stay as given and are reserved first.
    Then each instance spec with a derived VRID (its IPv4 and IPv6 twins together), in
    precedence order, takes its first candidate, derived_vrid(name), unless that VRID is
    taken on its L2 (as _same_l2 defines it, same family) by an explicit VRID or by an
    earlier derived one; then the next VRID up (linear probing, 255 wraps to 1). So a
    group that collides with nobody keeps derived_vrid(name), and a group appended to the
    inventory never moves an earlier group's VRID.
    """
    derived = [inst for inst in instances if inst['derived'] is not None]
    if not derived:
        return []
    placed = _L2Index(instances)
    for inst in instances:
        if inst['derived'] is None:
            placed.reserve(inst, placed.keys(inst))
    moves = []
    for key, insts in _derived_specs(derived):
        twins = [(inst, placed.keys(inst)) for inst in insts]
        hits = placed.hits(twins)
        taken = set()
        for found in hits:
            taken.update(found)
        first = insts[0]['derived']
        vrid = _first_free(first, taken)
        if vrid is None:
            if key[0] in deployed_groups:
                host, var = sources[key[0]]['vrid']
                raise PlanError(host, var, 'no free VRID for instance %s of group %s: all of '
                                '%d..%d are taken on its L2; set vrrp_vrid'
                                % (key[1], key[0], VRID_MIN, VRID_MAX))
            vrid = first
        for inst, inst_keys in twins:
            inst['vrid'] = vrid
            placed.reserve(inst, inst_keys)
        if vrid != first and key[0] in deployed_groups:
            moves.append({'group': key[0], 'instance': key[1], 'vrid': vrid, 'derived': first,
                          'taken_by': next(found[first] for found in hits if first in found)})
    return moves


class _L2Index:
    """The VRIDs placed so far under each link (family, host, interface), VIP subnet and
    member address (masked to every VIP prefix of its family), for _assign_vrids: what
    _same_l2 decides for a pair, as dictionary lookups."""

    WIDTHS = {'ipv4': 32, 'ipv6': 128}
    EMPTY = {}

    def __init__(self, instances):
        self.prefixes = {'ipv4': set(), 'ipv6': set()}
        for inst in instances:
            self.prefixes[inst['family']].update(prefix for prefix, _first in inst['l2'][0])
        self.by_link, self.by_net, self.by_addr = {}, {}, {}

    def keys(self, inst):
        """(links, VIP subnets, addresses under every VIP prefix of the family)."""
        family = inst['family']
        width = self.WIDTHS[family]
        nets, values = inst['l2']
        links = [(family, host, inst['interface']) for host in inst['members']]
        subnets = [(family, prefix, first) for prefix, first in nets]
        addrs = []
        for prefix in self.prefixes[family]:
            shift = width - prefix
            addrs.extend((family, prefix, value >> shift << shift) for value in values)
        return links, subnets, addrs

    def reserve(self, inst, inst_keys):
        """Place inst's VRID (first group to place a VRID under a key keeps it)."""
        vrid, group = inst['vrid'], inst['group']
        for index, found in zip((self.by_link, self.by_net, self.by_addr), inst_keys):
            for key in found:
                index.setdefault(key, {}).setdefault(vrid, group)

    def hits(self, twins):
        """{VRID: group} of everything placed on the L2 of these instances: the same link;
        a placed VIP subnet holds an address of theirs; theirs holds a placed address."""
        return [index.get(k, self.EMPTY) for _inst, (links, subnets, addrs) in twins
                for index, found in ((self.by_link, links), (self.by_addr, subnets), (self.by_net, addrs))
                for k in found]


def _derived_specs(derived):
    """[((group, spec name), [its instances: the IPv4 and IPv6 twins])], in order."""
    specs, by_spec = [], {}
    for inst in derived:
        key = (inst['group'], inst['spec'])
        if key not in by_spec:
            by_spec[key] = []
            specs.append(key)
        by_spec[key].append(inst)
    return [(key, by_spec[key]) for key in specs]


def _first_free(first, taken):
    """The first VRID from first up (255 wraps to 1) not in taken, or None."""
    for step in range(VRID_MAX):
        vrid = (first - 1 + step) % VRID_MAX + 1
        if vrid not in taken:
            return vrid
    return None


def _sync_groups(group, instances):
    """{sync group name: [instance names]} for a group that sets vrrp_sync_group.

    Only instances with the same priorities (the same MASTER, then the same BACKUPs in
    the same order) can move together: in single mode all of the group's instances (its
    IPv4 and its IPv6 instance) form vg_GROUP; in spread mode the instances of rotation
    slot K (VIP entries K, K + N, ... of N members, each with its _v6 twin) form
    vg_GROUP_K. One sync group over instances with different MASTERs undoes spread mode:
    a host only preempts when every instance of its sync group wants MASTER, so the host
    that first became MASTER keeps every VIP (seen with keepalived 2.2.7). keepalived
    refuses a sync group of one instance ("has only 1 virtual router(s)"), so an
    instance alone in its slot is in no sync group.
    """
    slots = {}
    for inst in instances:
        slots.setdefault(inst['sync_slot'], []).append(inst['name'])
    out = {}
    for slot, names in slots.items():
        if len(names) > 1:
            out['vg_%s' % group if slot is None else 'vg_%s_%d' % (group, slot)] = names
    return out


def _positions(groups, others, order):
    """Precedence of each group name: its place in `order` (the inventory's order of
    groups), else after all of those, in the order given (groups, then others)."""
    place = dict((name, i) for i, name in enumerate(order or ()))
    out = {}
    for i, group in enumerate(list(groups) + list(others)):
        out.setdefault(group['name'], place.get(group['name'], len(place) + i))
    return out


def _instances_of_other_groups(others, deployed, positions):
    """[(position, name, instances)] of the groups in `others` (not deployed) that are
    VRRP groups of their own, in precedence order.

    A group whose VRID settings (VRID_SETTINGS) do not plan is no VRRP group: skipped,
    it is not this run's error. Groups with the same VRID settings and a member in
    common are one HA group under several names (a parent or child group that inherits
    the same group_vars): one of them stands for all, the deployed group if it is one of
    them, else the one with the most members (the first in precedence order on a tie).
    deployed: [(settings key, member names)] of the deployed groups.
    """
    classes, host_class = {}, {}
    for name_key, hosts in deployed:
        cid = len(classes)
        classes[cid] = None  # a deployed group: the others joined to it are dropped
        for host in hosts:
            host_class[(name_key, host)] = cid
    for group in sorted(others, key=lambda g: positions[g['name']]):
        name = group['name']
        try:
            settings, _source, instances = _vrid_instances_of_other_group(
                name, list(group['members']), group.get('settings'))
        except PlanError:
            continue
        key = _settings_key(settings)
        hosts = [h for h, _vars in group['members']]
        hits = set(host_class[(key, h)] for h in hosts if (key, h) in host_class)
        if any(classes[c] is None for c in hits):
            continue
        cid = len(classes)
        classes[cid] = [(positions[name], name, hosts, instances)]
        for c in hits:
            classes[cid].extend(classes.pop(c))
        for _pos, _name, class_hosts, _insts in classes[cid]:
            for host in class_hosts:
                host_class[(key, host)] = cid
    kept = []
    for members in classes.values():
        if members:
            pos, name, _hosts, instances = max(members, key=lambda m: (len(m[2]), -m[0]))
            kept.append((pos, name, instances))
    return sorted(kept, key=lambda k: k[0])


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
      inventory). They are not planned, only read for their VRIDs: a VRID of a deployed
      group that clashes with one of theirs on one L2 is an error, and derived VRIDs
      avoid theirs (see _assign_vrids). A group of them whose VRID settings do not plan
      is skipped, so a bad setting elsewhere in the inventory fails no deploy.
    order: group names in precedence order for derived VRIDs (the inventory's order of
      groups); groups not in it come after, in the order given. Default: as given.

    Returns {'groups': {name: {...}}, 'hosts': {host: [instance view, ...]},
    'vrid_moves': [{group, instance, vrid, derived, taken_by}]}: vrid_moves lists the
    deployed instances whose derived VRID is not their first candidate derived_vrid()
    because the group taken_by holds that one on their L2.
    """
    require_netaddr()
    others = list(others or ())
    positions = _positions(groups, others, order)
    all_instances, sources, settings_of, members_of = _deployed_groups(groups)

    other_instances = []
    if others:
        deployed = [(_settings_key(settings_of[name]), members_of[name]) for name in settings_of]
        for _pos, _name, instances in _instances_of_other_groups(others, deployed, positions):
            other_instances.extend(instances)
    in_order = sorted(all_instances + other_instances, key=lambda inst: positions[inst['group']])
    moves = _assign_vrids(in_order, settings_of, sources)
    _check_vrid_conflicts(all_instances + other_instances, sources, len(all_instances))

    group_out = dict((name, {'members': members_of[name], 'instances': []}) for name in settings_of)
    for inst in all_instances:
        group_out[inst['group']]['instances'].append(
            dict((k, inst[k]) for k in ('name', 'family', 'version', 'vrid', 'vips', 'priorities')))
    hosts = _host_views(all_instances, settings_of)
    _add_sync_groups(all_instances, settings_of, group_out, hosts)
    return {'groups': group_out, 'hosts': hosts, 'vrid_moves': moves}


def _load_balancer(group, settings, source, members, backend_members):
    """The group's load balancing, or None when it has no vrrp_backends: the backends
    (name and address, in inventory order) and, per VIP, the virtual server of LVS with
    the backends of the VIP's family as real servers."""
    if settings['backends'] is None:
        return None
    host, var = source['backends']
    name = _as_str(settings['backends'], host, var)
    if backend_members is None:
        raise PlanError(host, var, 'group %s is not in the inventory' % name)
    if not backend_members:
        raise PlanError(host, var, 'group %s has no hosts' % name)
    mhost, mvar = source['lb_mode']
    if settings['lb_mode'] not in LB_MODES:
        raise PlanError(mhost, mvar, '%r is not a load-balancing mode (use %s)'
                        % (settings['lb_mode'], ', '.join(LB_MODES)))
    phost, pvar = source['backend_port']
    port = _as_int(settings['backend_port'], phost, pvar)
    if not 1 <= port <= 65535:
        raise PlanError(phost, pvar, 'port %d is outside 1..65535' % port)
    balancers = set(m.name for m in members)
    backends = []
    for bhost, bvars in backend_members:
        if bhost in balancers:
            raise PlanError(bhost, var, 'host %s is in group %s, whose VIP it would balance to '
                            'itself, and in its backends %s' % (bhost, group, name))
        backend = _member(bhost, bvars, name, with_priority=False)
        backends.append((bhost, backend))
    return {
        'mode': settings['lb_mode'], 'backends_group': name, 'port': port,
        # keepalived's lb_kind of the virtual servers (None: HAProxy balances)
        'lvs_kind': {'lvs_nat': 'NAT', 'lvs_dr': 'DR'}.get(settings['lb_mode']),
        # each backend's address: its IPv4 one when it has both
        'backends': [{'name': bhost, 'address': str(b.addresses[sorted(b.addresses)[0]].ip)}
                     for bhost, b in backends],
        '_by_family': dict((fam, [str(b.addresses[fam].ip) for _h, b in backends if fam in b.addresses])
                           for fam in ('ipv4', 'ipv6')),
        '_where': (host, var),
    }


def _instance_load_balancer(lb, inst):
    """The load balancing of one instance: lb, with the virtual servers of its VIPs (LVS),
    whose real servers are the backends of the VIP's family."""
    real = lb['_by_family'][inst['family']]
    if not real:
        host, var = lb['_where']
        raise PlanError(host, var, 'no host of group %s has an %s address for the virtual IPs %s'
                        % (lb['backends_group'], inst['family'], ', '.join(inst['vips'])))
    out = dict((k, v) for k, v in lb.items() if not k.startswith('_'))
    out['backends'] = [dict(b) for b in lb['backends']]
    out['virtual_servers'] = [{'address': vip.split('/', 1)[0], 'port': lb['port'], 'real_servers': list(real)}
                              for vip in inst['vips']]
    return out


def _deployed_groups(groups):
    """Read and check the groups a run deploys: (their instances, in order; settings
    sources, settings and member names by group)."""
    all_instances, sources, settings_of, members_of = [], {}, {}, {}
    for group in groups:
        name = group['name']
        members_vars = list(group['members'])
        overrides = dict(group.get('settings') or {})
        unknown = set(overrides) - set(GROUP_SETTINGS)
        if unknown:
            raise PlanError(members_vars[0][0] if members_vars else name,
                            group.get('label', 'groups[%s]' % name),
                            'unknown settings %s (known: %s)' % (', '.join(sorted(unknown)),
                                                                 ', '.join(sorted(GROUP_SETTINGS))))
        if name in settings_of:
            raise PlanError(members_vars[0][0] if members_vars else name, 'groups',
                            'group %s is listed twice' % name)
        settings, source = _settings_of_group(name, members_vars, overrides,
                                              group.get('label', 'groups[%s]' % name))
        members = [_member(host, hvars, name) for host, hvars in members_vars]
        _check_settings(settings, source, name, members)
        _check_distinct_addresses(name, members)
        instances = _instances_of_group(name, members, settings, source)
        lb = _load_balancer(name, settings, source, members, group.get('backend_members'))
        for inst in instances:
            inst['interface'] = settings['interface']
            if lb is not None:
                inst['load_balancer'] = _instance_load_balancer(lb, inst)
        all_instances.extend(instances)
        sources[name] = source
        settings_of[name] = settings
        members_of[name] = [m.name for m in members]
    return all_instances, sources, settings_of, members_of


def _host_views(instances, settings_of):
    """{host: [its instance views]}; two instances of one name on a host are an error."""
    hosts = {}
    for inst in instances:
        settings = settings_of[inst['group']]
        for host in inst['members']:
            view = _host_view(inst, host, settings)
            for other in hosts.get(host, []):
                if other['name'] == view['name']:
                    raise PlanError(host, VAR_PREFIX + 'instance_name', 'instance name %s is '
                                    'used by groups %s and %s on this host; set a distinct '
                                    'vrrp_instance_name' % (view['name'], other['group'], view['group']))
            hosts.setdefault(host, []).append(view)
    return hosts


def _add_sync_groups(instances, settings_of, group_out, hosts):
    """For the groups with vrrp_sync_group: their sync groups in group_out, and each
    member's views with sync_group and sync_group_instances; one sync group name made by
    two groups on one host is an error."""
    sync_owner = {}
    for name, settings in settings_of.items():
        if not settings['sync_group']:
            continue
        sync_groups = _sync_groups(name, [i for i in instances if i['group'] == name])
        group_out[name]['sync_groups'] = sync_groups
        sync_of = dict((inst, sync) for sync, insts in sync_groups.items() for inst in insts)
        for host in group_out[name]['members']:
            for view in hosts[host]:
                if view['group'] == name and view['name'] in sync_of:
                    sync = view['sync_group'] = sync_of[view['name']]
                    view['sync_group_instances'] = list(sync_groups[sync])
                    other = sync_owner.setdefault((host, sync), name)
                    if other != name:
                        raise PlanError(host, VAR_PREFIX + 'sync_group', 'sync group %s is made by '
                                        'groups %s and %s on this host; rename one of the groups'
                                        % (sync, other, name))


# Inventory groups that are never an HA group.
NOT_HA_GROUPS = ('all', 'ungrouped')


def plan_from_inventory(group_specs, hostvars, inventory_groups, inventory_wide=False):
    """Plan groups of an Ansible inventory.

    group_specs: list of group names, or dicts {'name': ..., other GROUP_SETTINGS keys}
      whose keys override the members' ``vrrp_*`` variables (a dict may also give
      'members', a list of host names, instead of the inventory group's).
    hostvars: mapping host -> mapping of that host's variables (Ansible's hostvars).
    inventory_groups: mapping group -> list of host names (Ansible's ``groups``), in
      the inventory's order of groups: the precedence of derived VRIDs.
    inventory_wide: also read every other group of the inventory that carries VRRP
      settings (all its members have vrrp_vips; not all/ungrouped) as a group this run
      does not deploy (plan_groups' others): its VRIDs are checked against the deployed
      groups' and reserved for the derivation, so that a derived VRID is the same
      whichever group a run deploys. The action plugin vrrp_plan plans this way.
    """
    wanted = [VAR_PREFIX + k for k in GROUP_SETTINGS] + [VAR_PREFIX + k for k in HOST_SETTINGS]
    wanted.append('ansible_host')
    backends_var = VAR_PREFIX + 'backends'
    read = {}

    def vars_of(host):
        if host not in read:
            hv = hostvars[host]
            read[host] = dict((k, hv[k]) for k in wanted if k in hv)
        return read[host]

    groups = []
    for i, spec in enumerate(group_specs):
        label = 'groups[%d]' % i
        if isinstance(spec, str):
            spec = {'name': spec}
        if not isinstance(spec, dict) or not isinstance(spec.get('name'), str):
            raise PlanError('localhost', label, 'expected a group name or a dict with a name, '
                            'got %r' % (spec,))
        settings = dict((k, v) for k, v in spec.items() if k not in ('name', 'members'))
        hosts = spec.get('members')
        if hosts is None:
            if spec['name'] not in inventory_groups:
                raise PlanError('localhost', label, 'group %s is not in the inventory' % spec['name'])
            hosts = inventory_groups[spec['name']]
        elif not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
            raise PlanError('localhost', label + '.members', 'expected a list of host names, '
                            'got %r' % (hosts,))
        members = []
        for host in hosts:
            if host not in hostvars:
                raise PlanError(host, label + '.members', 'host %s is not in the inventory' % host)
            members.append((host, vars_of(host)))
        backends = settings.get('backends', next((v[backends_var] for _h, v in members
                                                  if v.get(backends_var) is not None), None))
        backend_members = None
        if isinstance(backends, str) and backends in inventory_groups:
            backend_members = [(h, vars_of(h)) for h in inventory_groups[backends] if h in hostvars]
        groups.append({'name': spec['name'], 'members': members, 'settings': settings,
                       'label': label, 'backend_members': backend_members})
    others = []
    if inventory_wide:
        deployed = set(g['name'] for g in groups)
        vips_var = VAR_PREFIX + 'vips'
        for name, hosts in inventory_groups.items():
            if name in NOT_HA_GROUPS or name in deployed or len(hosts) < 2:
                continue
            if not all(host in hostvars and vars_of(host).get(vips_var) is not None for host in hosts):
                continue
            others.append({'name': name, 'members': [(host, vars_of(host)) for host in hosts]})
    return plan_groups(groups, others, list(inventory_groups))
