# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's output: each host's view of its instances (what the keepalived role
renders), the groups' summaries and their sync groups, and the order of a rolling deploy.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from .values import (
    VAR_PREFIX,
    PlanError,
)
from .groups import (
    Group,
    Member,
)
from .instances import (
    instances_of_group,
)


def host_views(groups):
    """{host: [its instance views]} of the deployed groups; two instances of one name on a
    host are an error."""
    hosts = {}
    for group in groups:
        for inst in group.instances:
            for host in inst.members:
                view = _host_view(inst, host, group.settings)
                for other in hosts.get(host, []):
                    if other['name'] == view['name']:
                        raise PlanError(host, VAR_PREFIX + 'instance_name', 'instance name %s is '
                                        'used by groups %s and %s on this host; set a distinct '
                                        'vrrp_instance_name' % (view['name'], other['group'], view['group']))
                hosts.setdefault(host, []).append(view)
    return hosts


def _host_view(inst, host, settings):
    prio = inst.priorities[host]
    mdi = master_down_interval(settings['advert_int'], prio, inst.version)
    master = max(inst.priorities, key=inst.priorities.get)
    view = {
        'name': inst.name,
        'group': inst.group,
        'interface': inst.interfaces[host],
        'family': inst.family,
        'version': inst.version,
        'virtual_router_id': inst.vrid,
        'state': 'BACKUP' if settings['nopreempt'] or host != master else 'MASTER',
        'priority': prio,
        'advert_int': settings['advert_int'],
        'profile': settings['profile'],
        # the health check that matches the profile's timers (the keepalived role's
        # keepalived_health_check_* defaults)
        'health_check': dict(settings['health_check']),
        'nopreempt': settings['nopreempt'],
        'unicast_src_ip': inst.addresses[host] if settings['unicast'] else None,
        'unicast_peers': [inst.addresses[m] for m in inst.members if m != host]
        if settings['unicast'] else [],
        'vips': list(inst.vips),
        # Adverts carry only the first VIP: a host drops adverts whose address list differs
        # from its own, so the others (virtual_ipaddress_excluded) can be added and removed
        # host by host without a BACKUP taking over in between.
        'advertised_vips': list(inst.vips[:1]),
        'excluded_vips': list(inst.vips[1:]),
        # VRRPv3 (RFC 5798) has no authentication; PASS applies to VRRPv2 instances only.
        'pass_auth': inst.version == 2,
        'master': master,
        'master_down_interval': mdi,
        # How long systemd should wait before it restarts a keepalived that died: longer
        # than a peer needs to take over (this host's Master_Down_Interval, which is the
        # longest, plus one advert), so the restart only removes a stale copy of the VIPs.
        'restart_delay': int(math.ceil(mdi + settings['advert_int'])),
    }
    if inst.load_balancer is not None:
        # the backends behind the VIP (vrrp_backends): HAProxy's servers, or (lb_mode
        # lvs_nat, lvs_dr) keepalived's virtual_server blocks
        view['load_balancer'] = inst.load_balancer
    return view


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


def add_sync_groups(groups, hosts):
    """{group: {sync group name: [instance names]}} of the groups with vrrp_sync_group, and
    in each member's views of them sync_group and sync_group_instances; one sync group
    name made by two groups on one host is an error."""
    out, owner = {}, {}
    for group in groups:
        if not group.settings['sync_group']:
            continue
        sync_groups = out[group.name] = _sync_groups(group)
        sync_of = dict((inst, sync) for sync, insts in sync_groups.items() for inst in insts)
        for host in group.member_names:
            for view in hosts[host]:
                if view['group'] == group.name and view['name'] in sync_of:
                    sync = view['sync_group'] = sync_of[view['name']]
                    view['sync_group_instances'] = list(sync_groups[sync])
                    other = owner.setdefault((host, sync), group.name)
                    if other != group.name:
                        raise PlanError(host, VAR_PREFIX + 'sync_group', 'sync group %s is made by '
                                        'groups %s and %s on this host; rename one of the groups'
                                        % (sync, other, group.name))
    return out


def _sync_groups(group):
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
    for inst in group.instances:
        slots.setdefault(inst.sync_slot, []).append(inst.name)
    out = {}
    for slot, names in slots.items():
        if len(names) > 1:
            out['vg_%s' % group.name if slot is None else 'vg_%s_%d' % (group.name, slot)] = names
    return out


def group_summaries(groups, sync_groups, deployed):
    """plan['groups']: per planned group its members, instances, the names of its backends
    (vrrp_backends; empty without), whether the run deploys it (else it shares a host with
    a group that it deploys) and, with vrrp_sync_group, its sync groups."""
    out = {}
    for group in groups:
        summary = out[group.name] = {
            'members': group.member_names,
            'instances': [inst.summary() for inst in group.instances],
            'backends': group.load_balancer.backend_names if group.load_balancer else [],
            'deployed': group.name in deployed,
        }
        if group.name in sync_groups:
            summary['sync_groups'] = sync_groups[group.name]
    return out


def rollout(hosts, groups):
    """plan['rollout'], who a rolling deploy changes when, from the host views (in plan
    order, the order hosts are first seen): backups, the hosts that are MASTER of no
    instance, which go first; masters, the others, and master_rounds, the masters in
    rounds that hold at most one host of each group (groups: {name: Group}), so that
    groups roll side by side and each group's MASTERs one at a time; balancers, the hosts
    whose views have a load_balancer; backends, the backends of every load balancer, each
    once; leaving, the members that leave (vrrp_leave; plan['leaving'] has their views)."""
    out = {'backups': [], 'masters': [], 'master_rounds': [], 'balancers': [], 'backends': [], 'leaving': []}
    round_groups = []  # the groups of each round's hosts
    seen_backends = set()
    for host, views in hosts.items():
        if any(v['state'] == 'MASTER' for v in views):
            out['masters'].append(host)
            _add_to_round(host, set(g for g in groups if host in groups[g].member_names),
                          out['master_rounds'], round_groups)
        else:
            out['backups'].append(host)
        balancing = [v['load_balancer'] for v in views if 'load_balancer' in v]
        if balancing:
            out['balancers'].append(host)
        for backend in (b['name'] for lb in balancing for b in lb['backends']):
            if backend not in seen_backends:
                seen_backends.add(backend)
                out['backends'].append(backend)
    return out


def _add_to_round(host, host_groups, rounds, round_groups):
    """Put host in the first round where none of its groups has a host yet."""
    for hosts, taken in zip(rounds, round_groups):
        if not taken & host_groups:
            hosts.append(host)
            taken.update(host_groups)
            return
    rounds.append([host])
    round_groups.append(set(host_groups))


def leaving_views(groups):
    """{host: [its farewell views]} of the members that leave their groups (vrrp_leave):
    the views each would have as a drained member of the group as it was, the lowest
    priority and the old peers, so that a run hands the VIPs it holds to the planned
    MASTER (a preemption) before it stops keepalived there. The VRIDs are the group's."""
    out = {}
    for group in groups:
        if not group.leaving:
            continue
        farewell = Group(group.name, group.settings, group.sources, [_drained(m) for m in group.roster])
        vrids = dict((inst.name, inst.vrid) for inst in group.instances)
        for inst in instances_of_group(farewell):
            inst.vrid = vrids[inst.name]
            for member in group.leaving:
                out.setdefault(member.name, []).append(_host_view(inst, member.name, group.settings))
    return out


def _drained(member):
    """member as a drained member that stays (for its farewell views)."""
    drained = Member(member.name, member.addresses, member.priority, member.priority_var,
                     member.address_vars, drain=member.drain, handover=member.leave)
    drained.interface = member.interface
    return drained
