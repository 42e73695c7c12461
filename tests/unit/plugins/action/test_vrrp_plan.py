# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin failover.keepalived.vrrp_plan: run() on the controller with the
hostvars/groups of task_vars; the plan itself is computed for real."""

from __future__ import absolute_import, division, print_function

from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.task import Task

from ansible_collections.failover.keepalived.plugins.action.vrrp_plan import ActionModule
from ansible_collections.failover.keepalived.plugins.plugin_utils import vrrp_plan as vp
from ansible_collections.failover.keepalived.plugins.plugin_utils._vrrp_plan import values as plan_values


def _action(args):
    """An ActionModule over mocks, as ansible's own action plugin unit tests build them."""
    task = MagicMock(Task)
    task.action = 'failover.keepalived.vrrp_plan'
    task.args = args
    task.async_val = 0
    task.check_mode = False
    connection = MagicMock()
    play_context = MagicMock()
    play_context.check_mode = False
    return ActionModule(task, connection, play_context, loader=MagicMock(), templar=MagicMock(),
                        shared_loader_obj=MagicMock())


def _task_vars(hostvars, groups, host='web1'):
    return {'hostvars': hostvars, 'groups': groups, 'inventory_hostname': host}


def test_run_returns_the_plan_as_a_fact_and_the_hosts_instances(inventory):
    hostvars, groups = inventory()
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups, 'web2'))

    expected = vp.plan_from_inventory(['web'], hostvars, groups)
    assert result['changed'] is False
    assert 'failed' not in result
    assert result['ansible_facts'] == {'keepalived_vrrp_plan': expected}
    assert result['plan'] == expected
    assert len(result['instances']) == 1
    inst = result['instances'][0]
    assert (inst['name'], inst['state'], inst['priority']) == ('vi_web', 'BACKUP', 100)
    assert (inst['unicast_src_ip'], inst['unicast_peers']) == ('192.168.56.12', ['192.168.56.11'])
    assert inst['virtual_router_id'] == 77
    assert inst['vips'] == ['192.168.56.69/32']


def test_run_for_the_master_host(inventory):
    hostvars, groups = inventory()
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups, 'web1'))
    assert [(i['state'], i['priority']) for i in result['instances']] == [('MASTER', 101)]


def test_run_for_a_host_outside_the_groups_gives_no_instances(inventory):
    hostvars, groups = inventory()
    hostvars['ctl'] = {'ansible_host': '10.9.9.9'}
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups, 'ctl'))
    assert result['instances'] == []
    assert sorted(result['ansible_facts']['keepalived_vrrp_plan']['hosts']) == ['web1', 'web2']


def test_run_with_dict_group_spec(inventory):
    hostvars, groups = inventory()
    result = _action({'groups': [{'name': 'web', 'mode': 'spread', 'vrid': 51,
                                  'vips': ['192.168.56.68/24', '192.168.56.69/24']}]}).run(
        task_vars=_task_vars(hostvars, groups, 'web2'))
    assert [(i['name'], i['state'], i['virtual_router_id']) for i in result['instances']] == \
        [('vi_web_1', 'BACKUP', 51), ('vi_web_2', 'MASTER', 52)]


def test_bad_input_fails_naming_host_and_variable(inventory):
    hostvars, groups = inventory(group_vars={'vrrp_vips': ['192.168.56.12']})
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups))
    assert result['failed'] is True
    assert result['msg'] == ('host web2: vrrp_vips[0]: virtual IP 192.168.56.12 is the address '
                             'of host web2 itself')
    assert result['bad_host'] == 'web2'
    assert result['bad_variable'] == 'vrrp_vips[0]'
    assert 'ansible_facts' not in result and 'plan' not in result


def test_group_not_in_inventory_fails(inventory):
    hostvars, groups = inventory()
    result = _action({'groups': ['web', 'db']}).run(task_vars=_task_vars(hostvars, groups))
    assert result['failed'] is True
    assert (result['bad_host'], result['bad_variable']) == ('localhost', 'groups[1]')
    assert 'group db is not in the inventory' in result['msg']


def test_missing_netaddr_fails_without_bad_host(inventory, monkeypatch):
    hostvars, groups = inventory()
    monkeypatch.setattr(plan_values, 'netaddr', None)
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups))
    assert result['failed'] is True
    assert 'pip install netaddr' in result['msg']
    assert 'bad_host' not in result and 'bad_variable' not in result


def test_missing_groups_argument_is_refused(inventory):
    hostvars, groups = inventory()
    with pytest.raises(AnsibleActionFail, match='groups'):
        _action({}).run(task_vars=_task_vars(hostvars, groups))


def test_unknown_argument_is_refused(inventory):
    hostvars, groups = inventory()
    with pytest.raises(AnsibleActionFail, match='group_names'):
        _action({'groups': ['web'], 'group_names': ['web']}).run(task_vars=_task_vars(hostvars, groups))


def test_a_single_group_name_is_taken_as_a_list(inventory):
    # type=list turns 'web' into ['web'] before the plan sees it
    hostvars, groups = inventory()
    result = _action({'groups': 'web'}).run(task_vars=_task_vars(hostvars, groups, 'web1'))
    assert result['instances'][0]['state'] == 'MASTER'


def test_run_checks_the_vrids_of_the_groups_it_does_not_deploy(inventory):
    # api is in the inventory with VRID 77 on web's subnet: deploying web alone fails
    base = inventory(group_vars={'vrrp_vips': ['192.168.56.69/24']})
    hostvars, groups = inventory(group='api', first=21, base=base, group_vars={'vrrp_vips': ['192.168.56.70/24']})
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups))
    assert result['failed'] is True
    assert (result['bad_host'], result['bad_variable']) == ('web1', 'vrrp_vrid')
    assert 'instance vi_api in group api (hosts api1, api2), which this run does not deploy' in result['msg']


def test_run_derives_vrids_around_the_groups_it_does_not_deploy(inventory):
    # api179 (first in the inventory) derives 105 like web, on web's subnet: web takes 106
    base = inventory(group='api179', first=21, group_vars={'vrrp_vrid': None, 'vrrp_vips': ['192.168.56.70/24']})
    hostvars, groups = inventory(base=base, group_vars={'vrrp_vrid': None})
    result = _action({'groups': ['web']}).run(task_vars=_task_vars(hostvars, groups))
    assert result['instances'][0]['virtual_router_id'] == 106
    assert result['plan']['vrid_moves'] == [{'group': 'web', 'instance': 'vi_web', 'vrid': 106, 'derived': 105,
                                             'taken_by': 'api179'}]
    assert result['plan'] == vp.plan_from_inventory(['web'], hostvars, groups, inventory_wide=True)


def test_a_what_if_plan_with_a_drained_host_is_returned_but_not_set_as_the_fact(inventory):
    hostvars, groups = inventory()
    result = _action({'groups': ['web'], 'drain': ['web1']}).run(task_vars=_task_vars(hostvars, groups, 'web1'))
    assert 'ansible_facts' not in result
    # below web2's 100 of the group's plan too: web2 preempts it at once, no tie
    assert [(i['state'], i['priority']) for i in result['instances']] == [('BACKUP', 99)]
    assert result['plan']['hosts']['web2'][0]['state'] == 'MASTER'
