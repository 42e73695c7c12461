# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""molecule/shared/one_master_verdict.yml, the scenarios' "exactly one MASTER" check, run
by ansible-playbook on localhost with the live state of recorded keepalived dumps
(tests/unit/fixtures/keepalived): it passes a healthy group and fails one where a host
runs keepalived without one of the instances, which the group verdict alone (and the
check before issue 31) took for healthy."""

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.failover.keepalived.plugins.module_utils import vrrp_status as status
from ansible_collections.failover.keepalived.plugins.plugin_utils.vrrp_verdict import group_verdict

TOP = Path(__file__).resolve().parents[4]
FIXTURES = TOP / 'tests' / 'unit' / 'fixtures' / 'keepalived'
VERDICT = TOP / 'molecule' / 'shared' / 'one_master_verdict.yml'
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / 'ansible-playbook'
# ansible-test units runs python from a venv of its own, without ansible-playbook beside it
pytestmark = pytest.mark.skipif(not ANSIBLE_PLAYBOOK.exists(), reason='no ansible-playbook beside python')


def live(kind):
    """The instances vrrp_status reports for a recorded host (with its VIP presence)."""
    instances = status.parse_json_dump((FIXTURES / ('%s.json' % kind)).read_text())
    return status.annotate_vips(instances, status.parse_ip_json((FIXTURES / ('%s.ip.json' % kind)).read_text()))


def judge(tmp_path, by_host, **expected):
    """Run the verdict task file on localhost; (exit code, output)."""
    playbook = tmp_path / 'judge.yml'
    playbook.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
                        '    - ansible.builtin.include_tasks: %s\n' % VERDICT)
    variables = tmp_path / 'vars.json'
    variables.write_text(json.dumps(dict(expected, vrrp_instances_by_host=by_host)))
    env = dict(os.environ, ANSIBLE_CONFIG=str(TOP / 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([str(ANSIBLE_PLAYBOOK), '-i', 'localhost,', '-c', 'local',
                           str(playbook), '-e', '@%s' % variables], cwd=str(TOP), env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def old_check_holds(by_host, masters_wanted):
    """The four conditions of the check before issue 31, on the same input."""
    verdict = group_verdict(by_host)
    return (len(verdict) > 0
            and all(v['verdict'] == 'one_master' for v in verdict.values())
            and dict((name, ','.join(v['masters'])) for name, v in verdict.items()) == masters_wanted
            and all(v['vips_consistent'] is True for v in verdict.values()))


def test_a_healthy_pair_passes(tmp_path):
    rc, out = judge(tmp_path, {'web1': live('bookworm-master'), 'web2': live('bookworm-backup')},
                    expected_master='web1')
    assert rc == 0, out


def test_a_healthy_spread_pair_passes(tmp_path):
    rc, out = judge(tmp_path, {'web1': live('trixie-spread-1'), 'web2': live('trixie-spread-2')},
                    expected_masters={'vi_a': 'web1', 'vi_b': 'web2'})
    assert rc == 0, out


@pytest.mark.parametrize('suite', ['bookworm', 'trixie'])
def test_a_host_running_keepalived_without_an_instance_fails(tmp_path, suite):
    # web2's keepalived runs, MASTER of vi_b, but without vi_a: nobody stands by for vi_a's VIP
    web2 = [i for i in live('%s-spread-2' % suite) if i['name'] != 'vi_a']
    by_host = {'web1': live('%s-spread-1' % suite), 'web2': web2}
    wanted = {'vi_a': 'web1', 'vi_b': 'web2'}
    assert old_check_holds(by_host, wanted)  # the control: the old check passed this group
    rc, out = judge(tmp_path, by_host, expected_masters=wanted)
    assert rc != 0
    assert '"missing": ["web2"]' in out


def test_two_masters_fail(tmp_path):
    rc, out = judge(tmp_path, {'web1': live('trixie-splitbrain-1'), 'web2': live('trixie-splitbrain-2')},
                    expected_master='web1')
    assert rc != 0 and 'split_brain' in out
