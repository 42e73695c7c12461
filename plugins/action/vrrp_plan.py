# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of failover.keepalived.vrrp_plan: the plan needs every member's
hostvars, which only the controller has, so the work happens here, not on a host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_plan import (
    PlanError,
    plan_from_inventory,
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('groups', 'drain'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(
            argument_spec=dict(groups=dict(type='list', elements='raw', required=True),
                               drain=dict(type='list', elements='str', default=[])),
        )
        try:
            # the whole inventory: VRIDs of the groups this run does not deploy are
            # checked against the deployed ones and kept out of the derived ones
            plan = plan_from_inventory(args['groups'], task_vars['hostvars'], task_vars['groups'],
                                       inventory_wide=True, drain=args['drain'])
        except (PlanError, ImportError) as exc:
            result.update(failed=True, msg=str(exc))
            if isinstance(exc, PlanError):
                result.update(bad_host=exc.host, bad_variable=exc.variable)
            return result
        host = task_vars['inventory_hostname']
        result.update(changed=False, plan=plan, instances=plan['hosts'].get(host, []))
        if not args['drain']:
            # a what-if plan (drain) is only returned: the group's plan stays the fact
            result['ansible_facts'] = dict(keepalived_vrrp_plan=plan)
        return result
