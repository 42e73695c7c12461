# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter vrrp_group_verdict (plugins/filter/vrrp_status.py) on results built from
the recorded keepalived dumps, and the run_once assertion of the vrrp_status module's
EXAMPLES run for real by ansible-playbook (on localhost, with the registered results
given as inventory variables: nothing is executed on any host)."""

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.failover.keepalived.plugins.filter.vrrp_status import (
    FilterModule,
    vrrp_group_verdict,
    vrrp_rollout_changes,
    vrrp_state_mismatches,
)
from ansible_collections.failover.keepalived.plugins.module_utils.vrrp_status import (
    annotate_vips,
    parse_ip_json,
    parse_json_dump,
    summarize,
)
from ansible_collections.failover.keepalived.plugins.modules import vrrp_status as module

TOP = Path(__file__).resolve().parents[4]
FIXTURES = TOP / 'tests' / 'unit' / 'fixtures' / 'keepalived'
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / 'ansible-playbook'


def result_of(name):
    """What `failover.keepalived.vrrp_status` registers for a recorded dump."""
    instances = annotate_vips(parse_json_dump((FIXTURES / ('%s.json' % name)).read_text()),
                              parse_ip_json((FIXTURES / ('%s.ip.json' % name)).read_text()))
    result = {'changed': False, 'running': True, 'pid': 553, 'instances': instances}
    result.update(summarize(instances))
    return result


def test_filter_module_exports_vrrp_group_verdict():
    assert FilterModule().filters() == {'vrrp_group_verdict': vrrp_group_verdict,
                                        'vrrp_rollout_changes': vrrp_rollout_changes,
                                        'vrrp_state_mismatches': vrrp_state_mismatches}


PLANNED = [{'name': 'vi_web', 'state': 'MASTER', 'nopreempt': False},
           {'name': 'vi_api', 'state': 'BACKUP', 'nopreempt': False}]


def test_state_mismatches_empty_when_the_plan_is_reached():
    assert vrrp_state_mismatches({'vi_web': 'MASTER', 'vi_api': 'BACKUP'}, PLANNED) == []


def test_state_mismatches_name_each_difference():
    assert vrrp_state_mismatches({'vi_web': 'BACKUP', 'vi_old': 'MASTER'}, PLANNED) == [
        'vi_web: MASTER planned, BACKUP now',
        'vi_api: not running in keepalived',
        'vi_old: running in keepalived but not in the plan',
    ]


def test_state_mismatches_accept_either_state_with_nopreempt():
    planned = [{'name': 'vi_web', 'state': 'BACKUP', 'nopreempt': True}]
    assert vrrp_state_mismatches({'vi_web': 'MASTER'}, planned) == []
    assert vrrp_state_mismatches({'vi_web': 'FAULT'}, planned) == ['vi_web: BACKUP planned, FAULT now']


def test_state_mismatches_refuse_wrong_input():
    with pytest.raises(AnsibleFilterError):
        vrrp_state_mismatches(None, PLANNED)


@pytest.mark.parametrize('suite', ['bookworm', 'trixie'])
def test_recorded_pair_results_give_one_master(suite):
    verdict = vrrp_group_verdict({'web1': result_of('%s-master' % suite),
                                  'web2': result_of('%s-backup' % suite)})
    assert verdict['vi_status']['verdict'] == 'one_master'
    assert verdict['vi_status']['masters'] == ['web1']
    assert verdict['vi_status']['vips_consistent'] is True


def test_instances_lists_work_like_whole_results():
    whole = {'web1': result_of('trixie-spread-1'), 'web2': result_of('trixie-spread-2')}
    lists = dict((h, r['instances']) for h, r in whole.items())
    assert vrrp_group_verdict(whole) == vrrp_group_verdict(lists)


def test_recorded_split_brain_is_reported():
    verdict = vrrp_group_verdict({'web1': result_of('bookworm-splitbrain-1'),
                                  'web2': result_of('bookworm-splitbrain-2')})
    assert verdict['vi_status']['verdict'] == 'split_brain'
    assert verdict['vi_status']['masters'] == ['web1', 'web2']


def test_bad_input_is_an_ansible_filter_error():
    with pytest.raises(AnsibleFilterError) as err:
        vrrp_group_verdict({'web1': 'MASTER'})
    assert str(err.value).startswith('vrrp_group_verdict: host web1: expected a list')


def test_filter_documentation_parses():
    doc = yaml.safe_load((TOP / 'plugins' / 'filter' / 'vrrp_group_verdict.yml').read_text())
    assert doc['DOCUMENTATION']['name'] == 'vrrp_group_verdict'
    assert set(doc['RETURN']['_value']['contains']) == {
        'verdict', 'masters', 'states', 'missing', 'vip_holders', 'vips_consistent'}


# --- the documented run_once assertion, run by ansible-playbook ---------------------------

def _documented_assert_task():
    """The assert task of the play 'Check that exactly one host is MASTER ...' in the
    module's EXAMPLES, as the lead copies it into a Molecule verify playbook."""
    examples = yaml.safe_load(module.EXAMPLES)
    play = [p for p in examples if 'tasks' in p][0]
    tasks = [t for t in play['tasks'] if 'ansible.builtin.assert' in t]
    assert len(tasks) == 1
    return tasks[0]


def _run_documented_assert(tmp_path, results):
    inventory = {'all': {'hosts': dict(
        (host, {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                'vrrp': result}) for host, result in results.items())}}
    (tmp_path / 'inventory.yml').write_text(json.dumps(inventory))
    play = [{'name': 'verify', 'hosts': 'all', 'gather_facts': False,
             'tasks': [_documented_assert_task()]}]
    (tmp_path / 'verify.yml').write_text(json.dumps(play))
    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / 'ansible.cfg'),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0')
    proc = subprocess.run([str(ANSIBLE_PLAYBOOK), '-i', str(tmp_path / 'inventory.yml'),
                           str(tmp_path / 'verify.yml')],
                          cwd=str(TOP), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=120, check=False)
    return proc.returncode, proc.stdout


needs_playbook = pytest.mark.skipif(not ANSIBLE_PLAYBOOK.exists(), reason='no ansible-playbook beside python')


@needs_playbook
def test_documented_run_once_assert_passes_on_recorded_pair(tmp_path):
    rc, out = _run_documented_assert(tmp_path, {'web1': result_of('bookworm-master'),
                                                'web2': result_of('bookworm-backup')})
    assert rc == 0, out
    assert 'ok=1' in out


@needs_playbook
def test_documented_run_once_assert_fails_on_recorded_split_brain(tmp_path):
    rc, out = _run_documented_assert(tmp_path, {'web1': result_of('trixie-splitbrain-1'),
                                                'web2': result_of('trixie-splitbrain-2')})
    assert rc == 2, out
    assert 'split_brain' in out


@needs_playbook
def test_documented_run_once_assert_fails_when_no_host_runs_keepalived(tmp_path):
    not_running = {'changed': False, 'running': False, 'pid': None, 'instances': [], 'state': {},
                   'master_instances': []}
    rc, out = _run_documented_assert(tmp_path, {'web1': not_running, 'web2': not_running})
    assert rc == 2, out
    assert 'verdict | length > 0' in out
