# -*- coding: utf-8 -*-
# Copyright: (c) 2026, failover.keepalived contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/lab.py without a lab: the reader of keepalived's live state shipped to a host (the
archive it sends and the command that runs it, run here with this machine's python3 and
no path into the repository, as in a container), and keepalived's journal, whose failed
read is recorded, not taken for a read that found nothing."""

from __future__ import absolute_import, division, print_function

import io
import os
import subprocess
import tarfile

import pytest

from bench import faults, lab


def test_the_archive_holds_the_reader_and_the_module_utils_file_as_laid_out_in_the_repository():
    with tarfile.open(fileobj=io.BytesIO(lab.reader_archive())) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ['lab/__init__.py', 'lab/keepalived_state.py',
                                         'plugins/module_utils/vrrp_status.py']
    assert all(m.uid == 0 and m.mode == 0o644 for m in members)


def test_the_shipped_reader_runs_from_its_own_copy(tmp_path):
    directory = str(tmp_path / 'reader')
    res = subprocess.run(lab.reader_command(directory, '--pid-file', str(tmp_path / 'none.pid')),
                         input=lab.reader_archive(), capture_output=True, cwd=str(tmp_path),
                         env={'PATH': os.environ['PATH']}, timeout=60, check=False)
    # keepalived does not run here: the reader says so (exit 3), after importing
    # plugins.module_utils.vrrp_status from the copy
    assert res.returncode == 3, res.stderr
    assert b'no pid file %s' % str(tmp_path / 'none.pid').encode() in res.stderr
    assert sorted(os.listdir(directory)) == ['lab', 'plugins']


# --- keepalived's journal: a read that failed is not a read that found nothing -------------

def test_a_journal_that_cannot_be_read_raises(monkeypatch):
    monkeypatch.setattr(lab, 'container_state', lambda host: 'running')
    monkeypatch.setattr(lab, 'dexec', lambda host, *cmd, **kw: subprocess.CompletedProcess(cmd, 1, '', 'No journal files'))
    with pytest.raises(lab.JournalError, match='journalctl on web2 failed'):
        lab.journal_events('web2', 1000.0)
    monkeypatch.setattr(lab, 'container_state', lambda host: 'paused')
    with pytest.raises(lab.JournalError, match='container is paused'):
        lab.journal_events('web2', 1000.0)


def test_a_repetition_records_the_hosts_whose_journal_was_not_read(monkeypatch):
    def journal(host, *args, **kwargs):
        if host == 'web2':
            raise lab.JournalError('journalctl on web2 failed (exit 1)')
        return [[5.0, host, '(vi_web) Entering BACKUP STATE']]

    class Probe:
        @staticmethod
        def probe(*args, **kwargs):
            return {'trace': [[0.0, 'web1'], [10.0, 'web1']], 'end_ms': 20.0, 'took_ms': None,
                    'fault_rc': None, 'fault_stderr': ''}

    monkeypatch.setattr(faults.lab, 'journal_events', journal)
    ctx = faults.Context(Probe, 'seed', {}, {'master': 'web1', 'backup': 'web2', 'advert_int': 1.0}, {},
                         0.01, 0.05, '/tmp', print)
    rec = faults.measure(ctx, None, 'web1', None, 1.0)
    assert rec['journal_unread'] == ['journalctl on web2 failed (exit 1)']
    assert rec['events'] == [[5.0, 'web1', '(vi_web) Entering BACKUP STATE']]
