# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""lab/keepalived_state.py, the benchmark's reader of keepalived's live state on a lab host:
the vrrp_status module's request_dump() behind a command line, with the host faked (a
/proc tree in a temporary directory, the signal answered by writing a recorded dump)."""

from __future__ import absolute_import, division, print_function

import errno
import json
import os
from pathlib import Path

import pytest

from lab import keepalived_state

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'keepalived'
PID = 4343


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A keepalived (pid PID) whose dump, on its JSON signal, is the recorded `dump`."""
    proc = tmp_path / 'proc' / str(PID)
    proc.mkdir(parents=True)
    (proc / 'comm').write_text('keepalived\n')
    (proc / 'environ').write_bytes(b'TMPDIR=%s\0' % str(tmp_path).encode())
    pid_file = tmp_path / 'keepalived.pid'
    pid_file.write_text('%d\n' % PID)
    dump = tmp_path / 'keepalived.json'
    state = {'dump': 'bookworm-master', 'signals': []}

    def kill(pid, signum):
        state['signals'].append((pid, signum))
        if pid != PID:
            raise OSError(errno.ESRCH, 'No such process')
        if state['dump']:
            dump.write_text((FIXTURES / ('%s.json' % state['dump'])).read_text())

    monkeypatch.setattr(keepalived_state.vrrp_status, 'PROC', str(tmp_path / 'proc'))
    monkeypatch.setattr(keepalived_state.vrrp_status, 'POLL_INTERVAL', 0.01)
    monkeypatch.setattr(os, 'kill', kill)
    monkeypatch.setattr(keepalived_state, 'json_signal', lambda: 36)
    state.update(pid_file=str(pid_file), dump_file=dump)
    return state


def test_prints_the_instances_as_the_module_reads_them(host, capsys):
    assert keepalived_state.main(['--pid-file', host['pid_file']]) == 0
    instances = json.loads(capsys.readouterr().out)
    assert [(i['name'], i['state'], i['priority']) for i in instances] == [('vi_status', 'MASTER', 101)]
    assert host['signals'] == [(PID, 36)]


def test_leaves_no_copy_of_the_dump_with_its_password(host, capsys):
    assert keepalived_state.main(['--pid-file', host['pid_file']]) == 0
    out = capsys.readouterr().out
    assert not host['dump_file'].exists()
    assert 'auth_data' not in out


def test_keepalived_not_running_exits_3(host, capsys, tmp_path):
    assert keepalived_state.main(['--pid-file', str(tmp_path / 'none.pid')]) == keepalived_state.NOT_RUNNING
    assert 'no pid file' in capsys.readouterr().err


def test_no_dump_within_the_timeout_exits_4_saying_why(host, capsys):
    host['dump'] = None
    assert keepalived_state.main(['--pid-file', host['pid_file'], '--timeout', '0.1']) == keepalived_state.NO_STATE
    assert 'did not write a complete' in capsys.readouterr().err


def test_a_keepalived_without_json_dump_exits_4(host, capsys, monkeypatch):
    monkeypatch.undo()
    monkeypatch.setattr(keepalived_state.subprocess, 'run',
                        lambda *a, **kw: keepalived_state.subprocess.CompletedProcess(a, 0, 'invalid\n', ''))
    with pytest.raises(keepalived_state.vrrp_status.StatusError, match='no JSON dump'):
        keepalived_state.json_signal()
