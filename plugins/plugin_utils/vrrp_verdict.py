# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A group's live VRRP state, judged on the controller from what vrrp_status reported on
each host: one MASTER per instance or not (the filter vrrp_group_verdict), and which VIPs a
run would move from which host to which (the filter vrrp_planned_moves). The reading and
parsing on a host stay in module_utils/vrrp_status.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import (
    MASTER,
    StatusError,
    instance_from_entry,
    parse_json_dump,
    state_name,
)

VERDICT_ONE_MASTER = 'one_master'
VERDICT_NO_MASTER = 'no_master'
VERDICT_SPLIT_BRAIN = 'split_brain'


def _instances_of(host, status):
    """The instance list from what one host reported: a list of instances, a vrrp_status
    result (dict with 'instances'), keepalived's raw JSON, or nothing (None, a skipped or
    failed result: no instances)."""
    if status is None:
        return []
    if isinstance(status, dict):
        if 'instances' in status:
            status = status['instances']
        elif 'vrrp' in status:
            return parse_json_dump(status)
        else:
            return []  # a skipped/failed task result, or keepalived not running
    if status is None:
        return []
    if not isinstance(status, (list, tuple)):
        raise StatusError('host %s: expected a list of instances or a vrrp_status result, got %s'
                          % (host, type(status).__name__))
    result = []
    for inst in status:
        if isinstance(inst, dict) and 'data' in inst and 'name' not in inst:
            inst = instance_from_entry(inst)
        if not isinstance(inst, dict) or 'name' not in inst or 'state' not in inst:
            raise StatusError('host %s: instance %r has no name and state' % (host, inst))
        result.append(inst)
    return result


def group_verdict(statuses_by_host):
    """Judge, for every instance name seen in a group, how many hosts are MASTER.

    statuses_by_host: {host: status}, status as _instances_of() accepts (a pair list
    [(host, status), ...] works too).

    Returns {instance name: {
        'verdict': 'one_master' | 'no_master' | 'split_brain',
        'masters': [hosts in MASTER state],
        'states': {host: STATE},            (hosts that run the instance)
        'missing': [hosts that did not report the instance],
        'vip_holders': [hosts where at least one VIP of the instance is present],
        'vips_consistent': true when every MASTER has all its VIPs and no other host
            has any of them; None when no host reported VIP presence (vips_present),
    }}, instances in the order first seen, hosts in input order.

    A host without keepalived (empty list, or a result with running=false) only shows up
    in 'missing'. Note that a host whose keepalived was killed (-9) may still hold the
    VIPs, and it reports no instances: vips_consistent cannot see that host.
    """
    if isinstance(statuses_by_host, (list, tuple)):
        try:
            statuses_by_host = dict(statuses_by_host)
        except (TypeError, ValueError):
            raise StatusError('expected a dict host -> status or a list of (host, status) pairs')
    if not isinstance(statuses_by_host, dict):
        raise StatusError('expected a dict host -> status, got %s' % type(statuses_by_host).__name__)

    per_host = [(host, _instances_of(host, status)) for host, status in statuses_by_host.items()]
    names = []
    for _host, insts in per_host:
        for inst in insts:
            if inst['name'] not in names:
                names.append(inst['name'])

    return dict((name, _judge_instance(name, per_host)) for name in names)


def _judge_instance(name, per_host):
    """group_verdict's judgement of one instance over [(host, its instances)]."""
    states, holders, missing = {}, [], []
    checked, consistent = False, True
    for host, insts in per_host:
        mine = [i for i in insts if i['name'] == name]
        if not mine:
            missing.append(host)
            continue
        inst = mine[0]
        states[host] = state_name(inst['state'])
        present = inst.get('vips_present')
        if isinstance(present, dict) and present:
            checked = True
            if any(present.values()):
                holders.append(host)
            if states[host] == MASTER:
                consistent = consistent and all(present.values())
            else:
                consistent = consistent and not any(present.values())
    masters = [h for h, s in states.items() if s == MASTER]
    if len(masters) == 1:
        verdict = VERDICT_ONE_MASTER
    elif not masters:
        verdict = VERDICT_NO_MASTER
    else:
        verdict = VERDICT_SPLIT_BRAIN
    return {
        'verdict': verdict,
        'masters': masters,
        'states': states,
        'missing': missing,
        'vip_holders': holders,
        'vips_consistent': consistent if checked else None,
    }


def rollout_changes(plan, statuses_by_host):
    """What a run of plan changes in the groups that run already, from what vrrp_status
    reported on the hosts before it (statuses_by_host as group_verdict takes it):

    moves: [{instance, group, vips, from: [live MASTERs], to: planned MASTER}], the
      instances whose VIPs the run moves (a plain run after a switchover, a new first
      host, a drained or leaving MASTER, ...);
    joiners: the hosts that get an instance which another host runs already but they do
      not: they start after the instance's MASTER knows them, so that no joiner hears
      nothing and becomes a second MASTER;
    incompatible: [{instance, host, field, live, planned}], the instances whose adverts
      change (VRRP version, advert_int, VRID): old and new configurations do not hear
      each other, so the BACKUPs of their groups stop while the MASTERs reload, and start
      again after them;
    paused: those BACKUPs, the hosts of the BACKUP wave (plan.rollout.backups) that run an
      instance whose adverts change;
    strangers: [{instance, group, host, address}], a MASTER outside the group that a member
      hears (vrrp_status' master_address, not the address of any member or leaving host):
      a host that holds the group's VIP though the inventory has no such member;
    dropped: [{instance, group, hosts, address}], a unicast peer that members send to now
      (vrrp_status' unicast_peers) and the plan no longer has, neither as a member nor as a
      host that leaves, nor as a member's address of now: a host taken out of the group
      without vrrp_leave. Once the members stop sending to it, its keepalived (if it runs)
      hears nobody and takes the VIP: a second holder.
    """
    live = dict((host, dict((i['name'], i) for i in _instances_of(host, status)))
                for host, status in _as_pairs(statuses_by_host))
    planned = {}
    for host, views in list(plan.get('hosts', {}).items()):
        for view in views:
            planned.setdefault(view['name'], {})[host] = view
    moves, joiners, incompatible = [], [], []
    for name, views in planned.items():
        running = [host for host, insts in live.items() if name in insts]
        if not running:
            continue  # a new instance: no VIP to move, nobody to join
        masters = [host for host in running if live[host][name]['state'] == MASTER]
        to = next((host for host, view in views.items() if view['state'] == MASTER), None)
        first = next(iter(views.values()))
        if to is not None and masters and masters != [to]:
            moves.append({'instance': name, 'group': first['group'], 'vips': first['vips'],
                          'from': masters, 'to': to})
        joiners.extend(host for host in views if host not in running and host not in joiners)
        incompatible.extend(_advert_changes(name, views, live))
    changing = set(change['instance'] for change in incompatible)
    paused = [host for host in plan.get('rollout', {}).get('backups', [])
              if host not in joiners and changing & set(live.get(host, {}))]
    handover = _handover(plan, planned, live, moves, joiners, changing)
    release = dict((host, dict((name, HANDOVER_RELEASE) for name, value in values.items()
                               if value in (HANDOVER_PIN, HANDOVER_RELEASE)))
                   for host, values in handover.items())
    release = dict((host, values) for host, values in release.items() if values)
    return {'moves': moves, 'joiners': joiners, 'incompatible': incompatible, 'paused': paused,
            'strangers': _strangers(plan, planned, live), 'dropped': _dropped(plan, planned, live),
            'handover': handover,
            # the hosts roll.yml pins (or releases, those that leave) before the others change,
            # and the track files each writes when the others run their new keepalived.conf
            'pinned': sorted(release), 'release': release}


# A planned move is a handover, never a preemption. keepalived's preemption is
# make-before-break: the new MASTER sends its advert and adds the VIPs, and the old one
# drops them only when that advert arrives, so both hold them for a moment (issue 26's
# lifecycle saw it). Instead, each instance that moves gets a track_file on the hosts
# involved (keepalived_handover), with weight 1, whose value keepalived adds to the
# priority and reads at once (inotify):
#   HANDOVER_PIN on the live MASTER: priority 254, so no host preempts it while the
#     group gets its new keepalived.conf;
#   HANDOVER_RELEASE then: below -253, the instance goes to FAULT: keepalived sends its
#     priority-0 advert and removes the VIPs; the highest host left takes them after its
#     skew time ((256 - priority) / 256 advert intervals), never before the priority-0
#     advert; measured: the VIP is added 9-20 ms after it was removed (fast profile);
#   on the planned MASTER, the boost that brings its skew time down to HANDOVER_SKEW s at
#     most (priority 101 with 1-s adverts waits 0.6 s, an outage that clients would see;
#     11.7 ms, priority 253 with 1-s adverts, is as short as keepalived goes, and it stays
#     the margin against an old MASTER slow between its advert and the VIPs' removal).
# Once the planned MASTER holds the VIPs, keepalived.conf is written without the track
# files (roll.yml). A host that leaves (vrrp_leave) gets the same: its instances that
# hold a VIP pinned, the others released at once (FAULT: it takes nothing once the
# members stop sending to it).
HANDOVER_PIN = 253
HANDOVER_RELEASE = -254
HANDOVER_SKEW = 0.012
HANDOVER_TOP = 253  # the pinned host has 254


def handover_boost(priority, advert_int):
    """What the planned MASTER's track file adds to its priority so that it takes the VIPs
    at most HANDOVER_SKEW s after the priority-0 advert (0: fast enough as it is)."""
    wanted = int(math.ceil(256 - HANDOVER_SKEW * 256 / float(advert_int)))
    return max(0, min(HANDOVER_TOP, wanted) - int(priority))


def _handover(plan, planned, live, moves, joiners, changing):
    """{host: {instance: track file value}} for the moves (see above) and the hosts that
    leave; an instance whose adverts change moves as before (its BACKUPs stop)."""
    out = {}
    for move in moves:
        name, to = move['instance'], move['to']
        if name in changing or to in joiners:
            continue
        for host in move['from']:
            out.setdefault(host, {})[name] = HANDOVER_PIN
        view = planned[name][to]
        boost = handover_boost(view['priority'], view['advert_int'])
        if boost:
            out.setdefault(to, {})[name] = boost
    for host, views in sorted(plan.get('leaving', {}).items()):
        running = live.get(host, {})
        for view in views:
            if view['name'] in running:
                held = running[view['name']]['state'] == MASTER
                out.setdefault(host, {})[view['name']] = HANDOVER_PIN if held else HANDOVER_RELEASE
    return out


def _strangers(plan, planned, live):
    """The MASTERs outside their group that the group's members hear."""
    known = {}
    for views in list(plan.get('hosts', {}).values()) + list(plan.get('leaving', {}).values()):
        for view in views:
            known.setdefault(view['name'], set()).add(view['unicast_src_ip'])
    out = []
    for name, views in planned.items():
        for host in views:
            master = live.get(host, {}).get(name, {}).get('master_address')
            if master and None not in known[name] and master not in known[name]:
                out.append({'instance': name, 'group': views[host]['group'], 'host': host, 'address': master})
    return out


def _dropped(plan, planned, live):
    """The unicast peers of the members' live instances that the plan drops unannounced."""
    known = {}
    for views in list(plan.get('hosts', {}).values()) + list(plan.get('leaving', {}).values()):
        for view in views:
            known.setdefault(view['name'], set()).add(view['unicast_src_ip'])
    out = {}
    for name, views in planned.items():
        running = [(host, inst[name]) for host, inst in live.items() if name in inst]
        # a member that changes its address: the others list its address of now
        now = set(inst.get('unicast_src_ip') for _host, inst in running)
        for host, inst in running:
            for address in inst.get('unicast_peers') or []:
                if address not in known[name] and address not in now:
                    entry = out.setdefault((name, address), {'instance': name, 'group': views[next(iter(views))]['group'],
                                                             'hosts': [], 'address': address})
                    entry['hosts'].append(host)
    return [out[key] for key in sorted(out)]


def _as_pairs(statuses_by_host):
    if isinstance(statuses_by_host, dict):
        return list(statuses_by_host.items())
    return list(statuses_by_host or [])


def _advert_changes(name, views, live):
    """The changes of instance name that its old and new adverts cannot hear across."""
    out = []
    for host, view in views.items():
        now = live.get(host, {}).get(name)
        if now is None:
            continue
        for field, planned in (('version', view['version']), ('advert_int', view['advert_int']),
                               ('vrid', view['virtual_router_id'])):
            if now.get(field) is not None and float(now[field]) != float(planned):
                out.append({'instance': name, 'host': host, 'field': field, 'live': now[field],
                            'planned': planned})
    return out
