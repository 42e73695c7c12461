# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab/probe.py against a local HTTP server on 127.0.0.1 whose page turns from web1 to
web2 at a set time: the clock of --within starts when the fault command has exited."""

from __future__ import absolute_import, division, print_function

import time

import pytest

from lab import probe as probe_py


@pytest.fixture
def vip(http_server):
    """A server that answers web1 until `switch_at` seconds after `start()`, then web2."""
    def start(switch_at):
        return http_server(lambda n, t: 'web2' if t >= switch_at else 'web1')
    return start


def test_within_counts_from_the_exit_of_a_slow_fault_command(vip):
    # the move comes 1.2 s after the start, past `within` (0.6 s) counted from the start but
    # 0.2 s after the fault command's exit: 0.4 s to spare for a busy machine
    url = vip(1.2)
    result = probe_py.probe(url, 'web2', 0.6, fault='sleep 1.0', grace=1.0)
    # stamped with the start of the round whose poll saw the command's exit: up to one
    # fetch (timeout 0.2 s) before the exit itself
    assert result['fault_ms'] >= 1000 - 200
    assert 1150 <= result['took_ms'] <= 1600
    assert result['ok'] is True


def test_a_move_later_than_within_after_an_instant_fault_fails(vip):
    url = vip(2.0)
    result = probe_py.probe(url, 'web2', 0.3, fault='true', grace=1.5)
    assert result['ok'] is False
    # seen after the bound, or not at all before the probe stopped
    assert result['took_ms'] is None or result['took_ms'] > 300 + result['fault_ms']


def test_no_move_at_all_fails_and_stops_at_the_bound(vip):
    url = vip(60)
    start = time.monotonic()
    result = probe_py.probe(url, 'web2', 0.2, fault='true', grace=0.3)
    assert result['ok'] is False and result['took_ms'] is None
    assert time.monotonic() - start < 3


def test_once_prints_the_page_of_one_get(vip, capsys):
    url = vip(60)
    assert probe_py.main(['--url', url, '--once']) == 0
    assert capsys.readouterr().out == 'web1\n'


def test_without_once_expect_and_within_are_needed(capsys):
    with pytest.raises(SystemExit) as exc:
        probe_py.main(['--url', 'http://127.0.0.1:9/'])
    assert exc.value.code == 2
