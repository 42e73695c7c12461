# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab.vip_sampler: a namespace's local addresses from its fib_trie, the samples with two
holders, and the report of a scenario's steps."""

from __future__ import absolute_import, division, print_function

from lab import vip_sampler

FIB_TRIE = '''Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 198.18.27.0/24 2 0 2
        |-- 198.18.27.0
           /24 link UNICAST
        |-- 198.18.27.11
           /32 host LOCAL
        |-- 198.18.27.69
           /32 host LOCAL
        |-- 198.18.27.255
           /32 link BROADCAST
'''


def test_local_addresses_are_the_host_local_entries():
    assert vip_sampler.local_addresses(FIB_TRIE) == {'198.18.27.11', '198.18.27.69'}
    not_local = FIB_TRIE.replace('/32 host LOCAL\n        |-- 198.18.27.255', 'x\n        |-- 198.18.27.255', 1)
    not_local = not_local.replace('|-- 198.18.27.69\n           /32 host LOCAL', '|-- 198.18.27.69\n           /32 link UNICAST')
    assert '198.18.27.69' not in vip_sampler.local_addresses(not_local)


def test_sampling_records_changes_and_every_sample_with_two_holders(monkeypatch):
    monkeypatch.setattr(vip_sampler, 'container_pid', lambda container: 1)
    monkeypatch.setattr(vip_sampler, 'holders', lambda vip, pids: next(answers))
    answers = iter([['web1'], ['web1'], ['web1', 'web2'], ['web2'], ['web2']])
    calls = iter(range(1000))

    def clock():  # 30 ms a call
        return round(next(calls) * 0.03, 2)

    events = vip_sampler.sample('198.18.27.69', {'web1': 'c1', 'web2': 'c2'}, 0.05, 0.45, None,
                                clock=clock, sleep=lambda s: None)
    assert events['samples'] == 5
    assert [held for _t, held in events['changes']] == [['web1'], ['web1', 'web2'], ['web2']]
    assert events['duplicates'] == [[0.24, ['web1', 'web2']]]


def test_report_counts_moves_failures_and_duplicates_per_step():
    changes = [[0.0, ['web1']], [10.5, ['web2']], [20.2, ['web2', 'web1']], [20.25, ['web1']]]
    events = {'samples': 100, 'started': 0.0, 'ended': 30.0, 'changes': changes,
              'duplicates': [[20.2, ['web2', 'web1']]]}
    steps = [{'name': 'join', 'start': 1, 'end': 9, 'failed': 0, 'planned': 500},
             {'name': 'switchover', 'start': 10, 'end': 19, 'failed': 1, 'planned': 500},
             {'name': 'bad', 'start': 20, 'end': 29, 'failed': 3, 'planned': 500}]
    summary = vip_sampler.report(events, steps)
    assert [(r['step'], r['moves'], r['failed'], r['duplicates'], r['ok']) for r in summary['steps']] == [
        ('join', 0, 0, 0, True), ('switchover', 1, 1, 0, True), ('bad', 1, 3, 1, False)]
    assert summary['duplicates'] == 1 and summary['met'] is False
    assert '| switchover | 1 | 1 | 500 | 0 | met |' in vip_sampler.table(summary)


def test_a_move_may_cost_failed_per_move_requests_and_no_more():
    events = {'samples': 100, 'started': 0.0, 'ended': 30.0, 'changes': [[0.0, ['web1']], [10.5, ['web2']]],
              'duplicates': []}
    for failed, per_move, ok in ((2, 1, False), (2, 2, True), (3, 2, False)):
        steps = [{'name': 'handover', 'start': 10, 'end': 19, 'failed': failed, 'planned': 500}]
        assert vip_sampler.report(events, steps, failed_per_move=per_move)['met'] is ok
    # a step without a move may lose nothing, whatever the allowance
    steps = [{'name': 'still', 'start': 1, 'end': 9, 'failed': 1, 'planned': 500}]
    assert vip_sampler.report(events, steps, failed_per_move=2)['met'] is False


def test_a_step_outside_the_sampling_is_not_met():
    events = {'samples': 10, 'started': 5.0, 'ended': 8.0, 'changes': [[5.0, ['web1']]], 'duplicates': []}
    steps = [{'name': 'early', 'start': 1, 'end': 6}, {'name': 'inside', 'start': 6, 'end': 7},
             {'name': 'late', 'start': 7, 'end': 9}]
    summary = vip_sampler.report(events, steps)
    assert [(r['step'], r['covered'], r['ok']) for r in summary['steps']] == [
        ('early', False, False), ('inside', True, True), ('late', False, False)]
    assert summary['met'] is False
    assert '| late | 0 | 0 | 0 | 0 | NOT SAMPLED |' in vip_sampler.table(summary)


def test_a_stop_file_of_an_earlier_run_is_removed_before_sampling(tmp_path, monkeypatch):
    stop = tmp_path / 'stop'
    stop.write_text('')
    seen = {}

    def fake_sample(vip, containers, interval, duration, stop_file):
        seen['stop_left'] = stop.exists()
        return {'samples': 0}
    monkeypatch.setattr(vip_sampler, 'sample', fake_sample)
    out = tmp_path / 'events.json'
    vip_sampler.main(['run', '--vip', '198.18.27.69', '--host', 'a=a', '--duration', '1',
                      '--stop-file', str(stop), '--out', str(out)])
    assert seen == {'stop_left': False} and out.exists()
