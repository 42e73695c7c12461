# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the live state that the vrrp_status module reports; the logic lives in
plugin_utils/vrrp_verdict.py (a group's state, controller only) and
module_utils/vrrp_status.py (what a host reports)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import (
    StatusError,
    state_mismatches,
)
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_verdict import (
    group_verdict,
    rollout_changes,
)


def vrrp_group_verdict(statuses_by_host):
    """{host: vrrp_status result or its instances} -> {instance: {verdict, masters, ...}}."""
    try:
        return group_verdict(statuses_by_host)
    except StatusError as exc:
        raise AnsibleFilterError('vrrp_group_verdict: %s' % exc)


def vrrp_state_mismatches(actual_states, planned_instances):
    """vrrp_status's state dict and the host's planned instances -> what differs."""
    if not isinstance(actual_states, dict) or not isinstance(planned_instances, list):
        raise AnsibleFilterError('vrrp_state_mismatches: expected the state dict of vrrp_status '
                                 'and the list of planned instances')
    return state_mismatches(actual_states, planned_instances)


def vrrp_rollout_changes(plan, statuses_by_host):
    """The plan and vrrp_status results of its hosts -> {moves, joiners, incompatible}."""
    if not isinstance(plan, dict):
        raise AnsibleFilterError('vrrp_rollout_changes: expected the VRRP plan')
    try:
        return rollout_changes(plan, statuses_by_host)
    except StatusError as exc:
        raise AnsibleFilterError('vrrp_rollout_changes: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {
            'vrrp_group_verdict': vrrp_group_verdict,
            'vrrp_rollout_changes': vrrp_rollout_changes,
            'vrrp_state_mismatches': vrrp_state_mismatches,
        }
