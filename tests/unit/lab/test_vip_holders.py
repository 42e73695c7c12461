# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab/vip_holders.py, the one "who holds the VIP" check of lab.sh, vagrant/test.sh and
the benchmark, with `docker exec ... ip -o addr show` answered from recorded output."""

from __future__ import absolute_import, division, print_function

import subprocess

from lab import vip_holders

WITH_VIP = ('2: eth0    inet 198.18.77.11/24 brd 198.18.77.255 scope global eth0\n'
            '2: eth0    inet 198.18.77.69/24 scope global secondary eth0\n')
WITHOUT = '2: eth0    inet 198.18.77.12/24 brd 198.18.77.255 scope global eth0\n'
# 198.18.77.6 is not 198.18.77.69: the match is on the whole address
PREFIX_ONLY = '2: eth0    inet 198.18.77.6/24 scope global eth0\n'


def fake_docker(monkeypatch, answers):
    calls = []

    def run(argv, **kwargs):
        calls.append(argv)
        answer = answers[argv[2]]
        if answer == 'timeout':
            raise subprocess.TimeoutExpired(argv, kwargs.get('timeout'))
        rc, out = answer
        return subprocess.CompletedProcess(argv, rc, out, '')
    monkeypatch.setattr(vip_holders.subprocess, 'run', run)
    return calls


def test_only_the_container_with_the_vip_holds_it(monkeypatch):
    calls = fake_docker(monkeypatch, {'c1': (0, WITH_VIP), 'c2': (0, WITHOUT)})
    assert vip_holders.holders('198.18.77.69', {'web1': 'c1', 'web2': 'c2'}) == ['web1']
    assert calls[0] == ['docker', 'exec', 'c1', 'ip', '-o', 'addr', 'show']


def test_both_hold_it_in_the_order_given(monkeypatch):
    fake_docker(monkeypatch, {'c1': (0, WITH_VIP), 'c2': (0, WITH_VIP)})
    assert vip_holders.holders('198.18.77.69', {'web2': 'c2', 'web1': 'c1'}) == ['web2', 'web1']


def test_a_longer_address_with_the_vip_as_prefix_does_not_count(monkeypatch):
    fake_docker(monkeypatch, {'c1': (0, WITH_VIP)})
    assert vip_holders.holders('198.18.77.6', {'web1': 'c1'}) == []
    fake_docker(monkeypatch, {'c1': (0, PREFIX_ONLY)})
    assert vip_holders.holders('198.18.77.69', {'web1': 'c1'}) == []


def test_a_container_that_does_not_answer_holds_nothing(monkeypatch):
    fake_docker(monkeypatch, {'c1': (1, WITH_VIP), 'c2': 'timeout'})
    assert vip_holders.holders('198.18.77.69', {'web1': 'c1', 'web2': 'c2'}) == []


def test_command_line_prints_one_holder_a_line(monkeypatch, capsys):
    fake_docker(monkeypatch, {'c1': (0, WITHOUT), 'c2': (0, WITH_VIP)})
    assert vip_holders.main(['198.18.77.69', 'web1=c1', 'web2=c2']) == 0
    assert capsys.readouterr().out == 'web2\n'
    assert vip_holders.main(['198.18.77.69']) == 2
