# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load balancing (vrrp_backends, issue 13): the backends a balancer pair sends the VIP's
requests to, through HAProxy on its members or keepalived's own LVS (NAT or DR).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .values import (
    LB_MODES,
    PlanError,
    as_int,
    as_str,
)
from .groups import (
    read_member,
)


class LoadBalancer:
    """A group's load balancing: its mode (vrrp_lb_mode), the backends' group and port,
    keepalived's lb_kind of the virtual servers (None: HAProxy balances), the backends as
    (name, address) in inventory order, real_servers (family -> the backends' addresses of
    that family) and source, the (host, variable) of vrrp_backends."""

    __slots__ = ('mode', 'backends_group', 'port', 'lvs_kind', 'backends', 'real_servers', 'source')

    def __init__(self, mode, backends_group, port, backend_members, source):
        self.mode = mode
        self.backends_group = backends_group
        self.port = port
        self.lvs_kind = {'lvs_nat': 'NAT', 'lvs_dr': 'DR'}.get(mode)
        # each backend's address: its IPv4 one when it has both
        self.backends = [(b.name, str(b.addresses[sorted(b.addresses)[0]].ip)) for b in backend_members]
        self.real_servers = dict((fam, [str(b.addresses[fam].ip) for b in backend_members if fam in b.addresses])
                                 for fam in ('ipv4', 'ipv6'))
        self.source = source

    @property
    def backend_names(self):
        return [name for name, _address in self.backends]

    def of_instance(self, inst):
        """The plan's load_balancer of one instance: the virtual servers of its VIPs (LVS),
        whose real servers are the backends of the VIP's family."""
        real = self.real_servers[inst.family]
        if not real:
            host, var = self.source
            raise PlanError(host, var, 'no host of group %s has an %s address for the virtual IPs %s'
                            % (self.backends_group, inst.family, ', '.join(inst.vips)))
        return {
            'mode': self.mode, 'backends_group': self.backends_group, 'port': self.port,
            'lvs_kind': self.lvs_kind,
            'backends': [{'name': name, 'address': address} for name, address in self.backends],
            'virtual_servers': [{'address': vip.split('/', 1)[0], 'port': self.port, 'real_servers': list(real)}
                                for vip in inst.vips],
        }


def add_load_balancer(group, backend_members):
    """Read the group's load balancing, if it has vrrp_backends, into group.load_balancer
    and each of its instances' load_balancer. backend_members: the members of the
    vrrp_backends group, as (host, vars) (None: the group is not in the inventory)."""
    balancer = _read_load_balancer(group, backend_members)
    group.load_balancer = balancer
    if balancer is not None:
        for inst in group.instances:
            inst.load_balancer = balancer.of_instance(inst)


def _read_load_balancer(group, backend_members):
    settings, sources = group.settings, group.sources
    if settings['backends'] is None:
        return None
    host, var = sources['backends']
    name = as_str(settings['backends'], host, var)
    if backend_members is None:
        raise PlanError(host, var, 'group %s is not in the inventory' % name)
    if not backend_members:
        raise PlanError(host, var, 'group %s has no hosts' % name)
    mhost, mvar = sources['lb_mode']
    if settings['lb_mode'] not in LB_MODES:
        raise PlanError(mhost, mvar, '%r is not a load-balancing mode (use %s)'
                        % (settings['lb_mode'], ', '.join(LB_MODES)))
    phost, pvar = sources['backend_port']
    port = as_int(settings['backend_port'], phost, pvar)
    if not 1 <= port <= 65535:
        raise PlanError(phost, pvar, 'port %d is outside 1..65535' % port)
    balancers = set(group.member_names)
    backends = []
    for bhost, bvars in backend_members:
        if bhost in balancers:
            raise PlanError(bhost, var, 'host %s is in group %s, whose VIP it would balance to '
                            'itself, and in its backends %s' % (bhost, group.name, name))
        backends.append(read_member(bhost, bvars, with_priority=False, group=name))
    return LoadBalancer(settings['lb_mode'], name, port, backends, (host, var))
