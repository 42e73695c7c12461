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
