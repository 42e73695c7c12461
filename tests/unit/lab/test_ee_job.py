# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab/ee_job.py, the verdict on an ansible-runner job of molecule/ee, on artifact
directories written here the way ansible-runner writes them (status, rc, job_events)."""

from __future__ import absolute_import, division, print_function

import json

from lab import ee_job

EE = '/usr/share/ansible/collections'
TASK = EE + '/ansible_collections/failover/keepalived/roles/keepalived/tasks/main.yml:3'


def artifacts(tmp_path, status='successful', rc='0', stats=None, task_path=TASK, extra=()):
    job = tmp_path / 'ee-deploy'
    (job / 'job_events').mkdir(parents=True)
    (job / 'status').write_text(status)
    (job / 'rc').write_text(rc)
    events = [
        {'event': 'playbook_on_start', 'counter': 1, 'created': '2026-12-07T05:30:00.000000+00:00'},
        {'event': 'runner_on_ok', 'counter': 2, 'created': '2026-12-07T05:30:10.000000+00:00',
         'event_data': {'host': 'web1', 'task_path': task_path}},
    ]
    events.extend(extra)
    if stats is not None:
        events.append({'event': 'playbook_on_stats', 'counter': 99, 'created': '2026-12-07T05:30:44.500000+00:00',
                       'event_data': stats})
    for event in events:
        (job / 'job_events' / ('%d-uuid.json' % event['counter'])).write_text(json.dumps(event))
    return job


STATS = {'processed': {'web1': 1, 'web2': 1, 'localhost': 1}, 'ok': {'web1': 38, 'web2': 33, 'localhost': 1},
         'changed': {'web1': 7, 'web2': 7}, 'failures': {}, 'dark': {}, 'skipped': {'web1': 17, 'web2': 17},
         'rescued': {}, 'ignored': {}}


def test_a_successful_deploy_passes_with_its_host_summary(tmp_path):
    result = ee_job.summary(artifacts(tmp_path, stats=STATS), ['web1', 'web2'], collections_path=EE)
    assert result['problems'] == []
    assert result['status'] == 'successful' and result['rc'] == 0
    assert result['seconds'] == 44.5
    assert result['hosts']['web1'] == {'ok': 38, 'changed': 7, 'failures': 0, 'unreachable': 0,
                                       'skipped': 17, 'rescued': 0, 'ignored': 0}
    assert result['hosts']['localhost']['changed'] == 0
    assert result['collections_paths'] == [EE]


def test_a_re_run_that_changed_a_host_fails(tmp_path):
    result = ee_job.summary(artifacts(tmp_path, stats=STATS), ['web1', 'web2'], unchanged=True)
    assert result['problems'] == ['web1: changed=7 on a re-run', 'web2: changed=7 on a re-run']


def test_an_unchanged_re_run_passes(tmp_path):
    stats = dict(STATS, changed={})
    assert ee_job.summary(artifacts(tmp_path, stats=stats), ['web1', 'web2'], unchanged=True)['problems'] == []


def test_a_failed_job_fails_on_status_rc_and_the_host(tmp_path):
    stats = dict(STATS, failures={'web2': 1}, dark={'web1': 1})
    result = ee_job.summary(artifacts(tmp_path, status='failed', rc='2', stats=stats), ['web1', 'web2'])
    assert result['problems'] == ['status is failed, not successful', 'rc is 2, not 0',
                                  'web1: failures=0 unreachable=1', 'web2: failures=1 unreachable=0']
    assert result['rc'] == 2


def test_a_host_missing_from_the_summary_fails(tmp_path):
    stats = {'processed': {'web1': 1}, 'ok': {'web1': 3}}
    result = ee_job.summary(artifacts(tmp_path, stats=stats), ['web1', 'web2'])
    assert result['problems'] == ['web2 is not in the host summary']


def test_a_job_without_stats_or_events_fails(tmp_path):
    assert ee_job.summary(artifacts(tmp_path), ['web1'])['problems'] == ['0 playbook_on_stats events, not 1']
    empty = tmp_path / 'empty'
    (empty / 'job_events').mkdir(parents=True)
    problems = ee_job.summary(empty)['problems']
    assert 'status is None, not successful' in problems and 'no job events in %s' % (empty / 'job_events') in problems


def test_the_collection_must_come_from_the_ee(tmp_path):
    job = artifacts(tmp_path, stats=STATS, task_path='/work/tree/.collections/ansible_collections/failover/keepalived/x.yml:1',
                    extra=[{'event': 'runner_on_ok', 'counter': 3, 'event_data': {'task_path': TASK}}])
    result = ee_job.summary(job, collections_path=EE)
    assert result['collections_paths'] == [EE, '/work/tree/.collections']
    assert result['problems'] == ["failover.keepalived ran from [%r, '/work/tree/.collections'], not only from %s" % (EE, EE)]


def test_main_prints_json_and_exits_by_the_verdict(tmp_path, capsys):
    job = artifacts(tmp_path, stats=STATS)
    assert ee_job.main([str(job), '--hosts', 'web1,web2']) == 0
    assert json.loads(capsys.readouterr().out)['ident'] == 'ee-deploy'
    assert ee_job.main([str(job), '--hosts', 'web1,web2', '--unchanged']) == 1
    assert ee_job.main([str(tmp_path / 'nothing')]) == 2
