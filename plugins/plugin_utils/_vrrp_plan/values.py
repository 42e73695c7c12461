# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's input values: the settings it knows and their limits, PlanError, and the
parsing of single values and addresses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

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
# Settings of one member (host_vars): its address and fixed priority; drain (never the
# MASTER: the lowest priorities, across runs) and leave (taken out of its groups: the plan
# gives it its farewell views, the other members plan without it).
HOST_SETTINGS = ('address', 'priority', 'drain', 'leave')
# The per-group settings mapping (group_vars/all): {group name: {GROUP_SETTINGS key: value}}.
# A group's entry wins over its members' vrrp_* variables, so groups that share hosts can
# each have their own settings (a host's merged variables hold one vrrp_vips only).
GROUPS_VAR = VAR_PREFIX + 'groups'

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
        self.message = message
        super(PlanError, self).__init__('host %s: %s: %s' % (host, variable, message))


def require_netaddr():
    if netaddr is None:
        raise ImportError('failover.keepalived needs the Python library netaddr on the '
                          'Ansible controller: pip install netaddr')


# --- parsing of single values -------------------------------------------------------

def as_vrid(value, host, variable):
    vrid = as_int(value, host, variable)
    if not VRID_MIN <= vrid <= VRID_MAX:
        raise PlanError(host, variable, 'VRID %d is outside %d..%d' % (vrid, VRID_MIN, VRID_MAX))
    return vrid


def as_int(value, host, variable):
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


def as_number(value, host, variable):
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


def as_bool(value, host, variable):
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)) and str(value).lower() in _TRUE + _FALSE:
        return str(value).lower() in _TRUE
    raise PlanError(host, variable, 'expected a boolean, got %r' % (value,))


def as_str(value, host, variable):
    if not isinstance(value, str) or not value.strip():
        raise PlanError(host, variable, 'expected a non-empty string, got %r' % (value,))
    return value.strip()


def as_list(value, host, variable):
    if isinstance(value, (str, dict)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise PlanError(host, variable, 'expected a list, got %r' % (value,))


# --- addresses ------------------------------------------------------------------------

def vip_to_cidr(text, host='?', variable='address'):
    """'198.18.77.69' -> '198.18.77.69/32'; '2001:db8::69/64' -> '2001:db8::69/64'."""
    return parse_ip(text, host, variable).cidr


def parse_ip(text, host, variable):
    """An IP address with an optional prefix, as an Address (a netaddr.IPNetwork inside).

    ``prefix_known``: a prefix shorter than the address names a subnet; '198.18.77.69',
    '198.18.77.69/32' and '198.18.77.69/24' are the same address, but only the last one
    names a subnet, whose members the checks then hold to it.
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
    try:
        # Without a prefix the network is the address itself: no second parse of the text.
        net = netaddr.IPNetwork(text) if '/' in text else netaddr.IPNetwork(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise PlanError(host, variable, '%r is not an IP address with a valid prefix' % (text,))
    if net.ip != ip:
        raise PlanError(host, variable, '%r is not an IP address' % (text,))
    # A /32 (/128) names no subnet: the same as the bare address, written or implied.
    return Address(net, '/' in text and net.prefixlen < (32 if net.version == 4 else 128))


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
