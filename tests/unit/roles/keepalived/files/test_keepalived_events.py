# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""roles/keepalived/files/keepalived_events.py, the event reader: a line of keepalived's
notify_fifo gives the fields of its journal entry and the metrics text; the reader run as
a process on a fifo of its own sends the journal datagram and keeps the metrics file."""

from __future__ import absolute_import, division, print_function

import importlib.machinery
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

READER = Path(__file__).resolve().parents[5] / 'roles' / 'keepalived' / 'files' / 'keepalived_events.py'
loader = importlib.machinery.SourceFileLoader('keepalived_events', str(READER))
spec = importlib.util.spec_from_loader('keepalived_events', loader)
events = importlib.util.module_from_spec(spec)
loader.exec_module(events)

INFO = {'vi_web': {'vips': ['198.18.29.69/24'], 'vrid': 29, 'interface': 'eth0', 'group': 'web'}}


@pytest.mark.parametrize('line, parsed', [
    # keepalived's own format: snprintf("%s \"%s\" %s %d\n", ...) (vrrp_notify.c)
    ('INSTANCE "vi_web" MASTER 101\n', {'kind': 'INSTANCE', 'name': 'vi_web', 'state': 'MASTER', 'priority': 101}),
    ('INSTANCE "vi_web" BACKUP 80', {'kind': 'INSTANCE', 'name': 'vi_web', 'state': 'BACKUP', 'priority': 80}),
    ('INSTANCE "vi_web" MASTER_RX_LOWER_PRI 101',
     {'kind': 'INSTANCE', 'name': 'vi_web', 'state': 'MASTER_RX_LOWER_PRI', 'priority': 101}),
    ('GROUP "web" FAULT 0', {'kind': 'GROUP', 'name': 'web', 'state': 'FAULT', 'priority': 0}),
    ('CURRENT "vi_web" BACKUP 100', {'kind': 'CURRENT', 'name': 'vi_web', 'state': 'BACKUP', 'priority': 100}),
    # the checker's lines, and garbage, are not VRRP lines
    ('VS [198.18.29.69]:tcp:80 UP', None),
    ('RS [198.18.29.21]:tcp:80 [198.18.29.69]:tcp:80 DOWN', None),
    ('INSTANCE vi_web MASTER 101', None),
    ('', None),
])
def test_a_fifo_line_gives_kind_name_state_and_priority(line, parsed):
    assert events.parse_line(line) == parsed


def test_a_state_change_counts_once_and_stamps_its_time():
    status = {}
    line = events.parse_line
    assert events.apply_event(status, line('INSTANCE "vi_web" BACKUP 100'), 10.0) is None  # first seen
    assert events.apply_event(status, line('INSTANCE "vi_web" MASTER 100'), 20.5) == 'BACKUP'
    # the same state again (a reload) and a priority change are no state change
    assert events.apply_event(status, line('INSTANCE "vi_web" MASTER 100'), 30.0) is False
    assert events.apply_event(status, line('INSTANCE "vi_web" MASTER_PRIORITY 90'), 31.0) is False
    assert status == {'vi_web': {'state': 'MASTER', 'priority': 90, 'transitions': 2, 'last_transition': 20.5}}


def test_the_current_state_told_by_the_role_is_no_state_change():
    status = {}
    assert events.learn_state(status, events.parse_line('CURRENT "vi_web" MASTER 101')) is True
    assert status == {'vi_web': {'state': 'MASTER', 'priority': 101, 'transitions': 0, 'last_transition': None}}
    assert events.learn_state(status, events.parse_line('CURRENT "vi_web" MASTER 101')) is False
    # the next change keepalived reports starts from the state learnt
    assert events.apply_event(status, events.parse_line('INSTANCE "vi_web" FAULT 101'), 5.0) == 'MASTER'


def test_the_journal_entry_of_a_takeover_has_the_structured_fields():
    event = events.parse_line('INSTANCE "vi_web" MASTER 100')
    fields = events.journal_fields(event, 'BACKUP', INFO['vi_web'])
    assert fields == {
        'MESSAGE': 'VRRP instance vi_web: BACKUP -> MASTER (priority 100, VIPs 198.18.29.69/24)',
        'MESSAGE_ID': events.MESSAGE_ID,
        'PRIORITY': '5',
        'SYSLOG_IDENTIFIER': 'failover-keepalived-events',
        'VRRP_INSTANCE': 'vi_web',
        'VRRP_OLD_STATE': 'BACKUP',
        'VRRP_NEW_STATE': 'MASTER',
        'VRRP_PRIORITY': '100',
        'VRRP_VIPS': '198.18.29.69/24',
        'VRRP_VRID': '29',
        'VRRP_INTERFACE': 'eth0',
        'VRRP_GROUP': 'web',
    }


def test_a_fault_is_a_warning_and_an_unknown_old_state_says_so():
    fields = events.journal_fields(events.parse_line('INSTANCE "vi_x" FAULT 100'), None, {})
    assert fields['PRIORITY'] == '4' and fields['VRRP_OLD_STATE'] == 'UNKNOWN' and fields['VRRP_VIPS'] == ''
    assert 'VRRP_VRID' not in fields and fields['MESSAGE'] == 'VRRP instance vi_x: UNKNOWN -> FAULT (priority 100)'


def test_journal_datagram_is_the_native_protocol():
    assert events.journal_datagram({'MESSAGE': 'a b', 'VRRP_PRIORITY': '100'}) == b'MESSAGE=a b\nVRRP_PRIORITY=100\n'
    # a value with a line break: the key, a line break, its length (64 bit LE), the bytes
    assert events.journal_datagram({'MESSAGE': 'a\nb'}) == b'MESSAGE\n' + (3).to_bytes(8, 'little') + b'a\nb\n'


def test_metrics_text_has_state_priority_counter_time_and_info():
    status = {'vi_web': {'state': 'MASTER', 'priority': 100, 'transitions': 2, 'last_transition': 20.5}}
    text = events.metrics_text(status, INFO)
    samples = [line for line in text.splitlines() if not line.startswith('#')]
    assert samples == [
        'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="MASTER"} 1',
        'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="BACKUP"} 0',
        'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="FAULT"} 0',
        'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="STOP"} 0',
        'failover_keepalived_vrrp_priority{vrrp_instance="vi_web"} 100',
        'failover_keepalived_vrrp_transitions_total{vrrp_instance="vi_web"} 2',
        'failover_keepalived_vrrp_last_transition_timestamp_seconds{vrrp_instance="vi_web"} 20.500',
        'failover_keepalived_vrrp_instance_info{vrrp_instance="vi_web",vrid="29",interface="eth0",vips="198.18.29.69/24"} 1',
    ]
    assert '# TYPE failover_keepalived_vrrp_transitions_total counter' in text and text.endswith('\n')


def test_metrics_list_the_configured_instances_only_and_a_state_outside_the_four():
    status = {'vi_web': {'state': 'DELETED', 'priority': 0, 'transitions': 3, 'last_transition': 1.0},
              'vi_gone': {'state': 'MASTER', 'priority': 100, 'transitions': 1, 'last_transition': 1.0}}
    text = events.metrics_text(status, INFO)
    assert 'vi_gone' not in text
    assert 'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="DELETED"} 1' in text
    # an instance configured but never reported: a counter of 0, no state of 1
    text = events.metrics_text({}, INFO)
    assert 'failover_keepalived_vrrp_transitions_total{vrrp_instance="vi_web"} 0' in text
    assert [line for line in text.splitlines() if line.startswith('failover_keepalived_vrrp_state{')
            and line.endswith(' 1')] == []


@pytest.fixture
def journal(tmp_path):
    """A datagram socket standing in for the journal's."""
    path = str(tmp_path / 'journal.socket')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    yield path, sock
    sock.close()


def test_the_reader_process_journals_a_takeover_and_keeps_the_metrics(tmp_path, journal):
    socket_path, sock = journal
    fifo = tmp_path / 'events.fifo'
    instances = tmp_path / 'instances.json'
    instances.write_text(json.dumps(INFO))
    state, metrics = tmp_path / 'state.json', tmp_path / 'keepalived.prom'
    proc = subprocess.Popen([sys.executable, str(READER), '--fifo', str(fifo), '--instances', str(instances),
                             '--state', str(state), '--metrics', str(metrics), '--journal-socket', socket_path])
    try:
        for attempt in range(100):  # the reader makes the fifo (bounded: 10 s)
            if fifo.exists() and metrics.exists():
                break
            time.sleep(0.1)
        assert oct(fifo.stat().st_mode & 0o777) == oct(0o600)
        # keepalived opens the fifo as it is and writes its lines
        fd = os.open(str(fifo), os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b'INSTANCE "vi_web" BACKUP 100\nINSTANCE "vi_web" MAS')
        os.write(fd, b'TER 100\n')
        os.close(fd)
        entries = [sock.recv(65536) for entry in range(2)]
        assert b'VRRP_OLD_STATE=UNKNOWN\n' in entries[0] and b'VRRP_NEW_STATE=BACKUP\n' in entries[0]
        assert b'VRRP_OLD_STATE=BACKUP\n' in entries[1] and b'VRRP_NEW_STATE=MASTER\n' in entries[1]
        assert b'VRRP_VIPS=198.18.29.69/24\n' in entries[1] and b'VRRP_INSTANCE=vi_web\n' in entries[1]
        for attempt in range(100):
            if 'transitions_total{vrrp_instance="vi_web"} 2' in metrics.read_text():
                break
            time.sleep(0.1)
        text = metrics.read_text()
        assert 'failover_keepalived_vrrp_state{vrrp_instance="vi_web",state="MASTER"} 1' in text
        assert 'failover_keepalived_vrrp_transitions_total{vrrp_instance="vi_web"} 2' in text
        assert oct(metrics.stat().st_mode & 0o777) == oct(0o644)
    finally:
        proc.terminate()
        proc.wait(10)
    # a restarted reader keeps the counters and knows the old state
    saved = json.loads(state.read_text())
    assert saved['vi_web']['state'] == 'MASTER' and saved['vi_web']['transitions'] == 2


def test_the_reader_refuses_a_path_that_is_not_a_fifo(tmp_path):
    path = tmp_path / 'events.fifo'
    path.write_text('')
    proc = subprocess.run([sys.executable, str(READER), '--fifo', str(path), '--journal-socket', ''],
                          capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode != 0 and 'is not a fifo' in proc.stderr
